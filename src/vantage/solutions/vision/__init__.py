"""Computer vision for stores and streets: detect, track, count, zones, queues, heatmaps, actions.

One small container (:class:`Detections`) flows through one-verb tools: a detector, a
:class:`Tracker`, a :class:`ZoneMonitor` / :class:`LineCounter`, a :class:`Heatmap`, a
:class:`PostureClassifier`, and :func:`annotate` (faces blurred by :class:`FaceBlurrer`).
:class:`VisionPipeline` runs them all over a :class:`FrameSource`. Only aggregates leave it.
"""

from vantage.solutions.vision.actions import (
    PooledJointBaseline,
    SkeletonLSTMClassifier,
    load_msr_split,
)
from vantage.solutions.vision.annotate import annotate
from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.detectors import (
    Detector,
    HogPeopleDetector,
    UltralyticsDetector,
    make_detector,
)
from vantage.solutions.vision.errors import VisionError
from vantage.solutions.vision.frames import Frame, FrameSource
from vantage.solutions.vision.heatmap import Heatmap
from vantage.solutions.vision.pipeline import FrameResult, VisionPipeline, VisionReport
from vantage.solutions.vision.posture import PostureClassifier
from vantage.solutions.vision.privacy import FaceBlurrer
from vantage.solutions.vision.synthetic import BlobDetector, Walker, write_scene_video
from vantage.solutions.vision.tracking import Tracker
from vantage.solutions.vision.yolo import OnnxYoloDetector, fall_detection_model
from vantage.solutions.vision.zones import (
    Line,
    LineCounter,
    SceneConfig,
    Zone,
    ZoneMonitor,
    load_scene,
)

__all__ = [
    "BlobDetector",
    "Detections",
    "Detector",
    "FaceBlurrer",
    "Frame",
    "FrameResult",
    "FrameSource",
    "Heatmap",
    "HogPeopleDetector",
    "Line",
    "LineCounter",
    "OnnxYoloDetector",
    "PooledJointBaseline",
    "PostureClassifier",
    "SceneConfig",
    "SkeletonLSTMClassifier",
    "Tracker",
    "UltralyticsDetector",
    "VisionError",
    "VisionPipeline",
    "VisionReport",
    "Walker",
    "Zone",
    "ZoneMonitor",
    "annotate",
    "fall_detection_model",
    "load_msr_split",
    "load_scene",
    "make_detector",
    "write_scene_video",
]
