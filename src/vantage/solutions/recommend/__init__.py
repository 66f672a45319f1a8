"""Recommendations: popularity baseline, co-occurrence, ALS and BPR, evaluated by time split."""

from vantage.solutions.recommend.data import Columns, InteractionMatrix, time_split
from vantage.solutions.recommend.evaluate import evaluate_recommenders
from vantage.solutions.recommend.factors import ALSRecommender, BPRRecommender
from vantage.solutions.recommend.metrics import ndcg_at_k, ranking_scores, recall_at_k
from vantage.solutions.recommend.models import (
    CooccurrenceRecommender,
    PopularityRecommender,
    Recommender,
)

__all__ = [
    "ALSRecommender",
    "BPRRecommender",
    "Columns",
    "CooccurrenceRecommender",
    "InteractionMatrix",
    "PopularityRecommender",
    "Recommender",
    "evaluate_recommenders",
    "ndcg_at_k",
    "ranking_scores",
    "recall_at_k",
    "time_split",
]
