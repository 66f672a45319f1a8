"""Language: text models (sentiment, classification, trends) and documents (entities, speech)."""
