# The deployment image: the same two steps as `make run` (install, ingest), then serve on 0.0.0.0.
FROM python:3.11-slim
WORKDIR /app
ENV HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False WIJZER_DATA_DIR=/data
RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*
COPY . .
# TORCH_INDEX: a pip index serving the CPU build of torch (without one pip takes a multi-GB CUDA build).
ARG TORCH_INDEX=""
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir torch==2.13.0 ${TORCH_INDEX:+--index-url "$TORCH_INDEX"} \
    && .venv/bin/pip install --no-cache-dir -e . && touch .venv/.installed
EXPOSE 8000
CMD ["sh", "-c", ".venv/bin/wijzer ingest --quiet && .venv/bin/wijzer serve --host 0.0.0.0 --port 8000"]
