"""Language models behind one protocol: stream the reply to a system and a user message, piece by piece.

- `OpenAIChat`: any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp's server, a hosted API)
  through langchain-openai.
- `LlamaCppChat`: a GGUF file run in this process by llama-cpp-python (the `local` extra, `make llm`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterator, Protocol

from assistant.config import Settings
from assistant.errors import GeneratorSettingsError


class ChatModel(Protocol):
    name: str  # the model, as logs and evaluation reports name it

    def stream(self, system: str, user: str) -> Iterator[str]:
        """The reply to the two messages, in pieces as they are generated."""


class OpenAIChat:
    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float, max_tokens: int,
                 temperature: float):
        from langchain_openai import ChatOpenAI

        self.name = model
        # max_tokens goes in the body as such: langchain-openai would send it as max_completion_tokens,
        # which llama.cpp's server and older Ollama ignore.
        self._model = ChatOpenAI(model=model, base_url=base_url, api_key=api_key or "not-needed", timeout=timeout,
                                 max_retries=0, temperature=temperature, extra_body={"max_tokens": max_tokens})

    def stream(self, system: str, user: str) -> Iterator[str]:
        for chunk in self._model.stream([("system", system), ("user", user)]):
            if isinstance(chunk.content, str) and chunk.content:
                yield chunk.content


class LlamaCppChat:
    """One model in memory, answering one question at a time (a llama.cpp context is not thread-safe)."""

    def __init__(self, gguf: Path, context: int, threads: int | None, max_tokens: int, temperature: float):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise GeneratorSettingsError("local", "llama-cpp-python is not installed; run 'make llm'") from exc
        self.name = gguf.name
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._lock = threading.Lock()
        self._llm = Llama(model_path=str(gguf), n_ctx=context, n_threads=threads or os.cpu_count(), verbose=False)

    def stream(self, system: str, user: str) -> Iterator[str]:
        with self._lock:
            for chunk in self._llm.create_chat_completion(
                    messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                    stream=True, max_tokens=self._max_tokens, temperature=self._temperature):
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece


def build_chat(settings: Settings) -> ChatModel:
    if settings.generator == "openai":
        if not settings.llm_base_url or not settings.llm_model:
            raise GeneratorSettingsError("openai", "set WIJZER_LLM_BASE_URL and WIJZER_LLM_MODEL")
        return OpenAIChat(settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout,
                          settings.llm_max_tokens, settings.llm_temperature)
    if settings.generator == "local":
        from assistant.generators.local_model import bundled_gguf

        gguf = settings.llm_gguf or bundled_gguf()  # default: the model `make llm` installs
        if gguf is None:
            raise GeneratorSettingsError("local", "set WIJZER_LLM_GGUF to a GGUF model file, or run 'make llm'")
        if not gguf.is_file():
            raise GeneratorSettingsError("local", f"no model file at {gguf}")
        return LlamaCppChat(gguf, settings.llm_context, settings.llm_threads, settings.llm_max_tokens,
                            settings.llm_temperature)
    raise GeneratorSettingsError(settings.generator, "unknown generator")
