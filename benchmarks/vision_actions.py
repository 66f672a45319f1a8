"""MSR Action3D, cross-subject (odd subjects train, even test): LSTM vs pooled-joint baseline.

Reproduce:
``VANTAGE_DATA_MIRROR=../shared/data nice -n 10 python -m benchmarks --only vision_actions``
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from benchmarks.report import write_section


def main(epochs: int = 120) -> dict[str, Any]:
    """Train both models on odd subjects, score on even subjects, write the table."""
    import numpy as np
    from sklearn.neighbors import KNeighborsClassifier

    from vantage.services.vision_actions import evaluate_actions
    from vantage.solutions.vision.actions import load_msr_split, pooled_features

    mirror = Path(
        os.environ.get("VANTAGE_DATA_MIRROR", Path(__file__).parents[2] / "shared" / "data")
    )
    folder = mirror / "msr_action3d"
    result = evaluate_actions(folder, epochs=epochs)
    x_train, y_train, x_test, y_test = load_msr_split(folder)
    train = np.stack([pooled_features(s) for s in x_train])
    test = np.stack([pooled_features(s) for s in x_test])
    nearest = KNeighborsClassifier(1).fit(train, y_train)
    result["models"].insert(
        0,
        {
            "model": "baseline: 1-nearest neighbour on pooled joints",
            "accuracy": float(np.mean(nearest.predict(test) == y_test)),
            "train_s": 0.0,
        },
    )
    table = ["| model | accuracy (even subjects) | train s |", "|---|---|---|"]
    table += [
        f"| {m['model']} | {m['accuracy']:.3f} | {m['train_s']:.1f} |" for m in result["models"]
    ]
    table += [
        "",
        f"{result['train_sequences']} training and {result['test_sequences']} test sequences, "
        f"{result['classes']} actions; LSTM {epochs} epochs, 1 CPU thread; {os.cpu_count()} "
        f"cores ({platform.machine()}, shared). Reproduce: `VANTAGE_DATA_MIRROR=../shared/data "
        "nice -n 10 python -m benchmarks --only vision_actions`.",
    ]
    write_section("vision_actions", "\n".join(table))
    return result


if __name__ == "__main__":
    print(main())
