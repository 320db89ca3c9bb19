"""Serves a GGUF model with llama.cpp's own HTTP server (through xllamacpp)
on 127.0.0.1. Usage: python serve.py MODEL.gguf PORT N_CTX
Prints 'ready' once listening; runs until killed."""
import sys
import time

import xllamacpp as x

params = x.CommonParams()
params.model.path = sys.argv[1]
params.port = int(sys.argv[2])
params.n_ctx = int(sys.argv[3])
params.hostnames = ["127.0.0.1"]
params.model_alias = {"tiny"}
params.n_parallel = 1
params.cpuparams.n_threads = 1
params.cpuparams_batch.n_threads = 1
params.warmup = False
server = x.Server(params)
print("ready", server.listening_address, flush=True)
while True:
    time.sleep(3600)
