"""Smart segmentation: RFM scores with named segments, and behavioural clustering."""

from vantage.solutions.segmentation.clusters import BehaviourClusters, describe_feature
from vantage.solutions.segmentation.rfm import (
    SEGMENTS,
    RfmSegment,
    RFMSegmenter,
    rfm_table,
    segment_for,
    segment_summary,
)

__all__ = [
    "SEGMENTS",
    "BehaviourClusters",
    "RFMSegmenter",
    "RfmSegment",
    "describe_feature",
    "rfm_table",
    "segment_for",
    "segment_summary",
]
