#!/usr/bin/env bash
# One chunksynth shard per array task: 64 shards of one corpus, each with its
# own output, rejects, journal and progress file beside the base name.
#
# Preemption: Slurm sends SIGTERM and kills KillWait seconds later (30 by
# default; `scontrol show config | grep KillWait`). After SIGTERM chunksynth
# starts no new call, gives calls in flight --grace-seconds to answer (keep
# it under KillWait), journals every answer and exits 130; --requeue runs the
# task again and it resumes where it stopped.
#
# Progress over every shard, while it runs or after:
#   chunksynth status /shared/out/out.jsonl
#
#SBATCH --job-name=chunksynth
#SBATCH --array=0-63
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --output=logs/chunksynth-%A_%a.log
set -euo pipefail

export LLM_BASE_URL="${LLM_BASE_URL:-http://vllm-head:8000/v1}"
export LLM_MODEL="${LLM_MODEL:-Qwen/Qwen3-30B-A3B}"

exec chunksynth rephrase \
  --input /shared/corpus.jsonl \
  --output /shared/out/out.jsonl \
  --style textbook \
  --shard auto \
  --grace-seconds 20 \
  --outage-timeout 1800 \
  --log-format json
