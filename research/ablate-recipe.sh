#!/bin/bash
# Recipe ablations for docs/results/recipe.md: the 600-step baseline (groups3) and one change each,
# run one after another at low priority; logs in .cache/runs/abl-*.log, the last line of each is
# the JSON summary (dev EER %).   bash research/ablate-recipe.sh
cd "$(dirname "$0")/.."
mkdir -p .cache/runs
run() { nice -n 19 npx tsx research/train-run.ts "$1" "$2" > .cache/runs/$2.log 2>&1; }
run '{"epochs":6,"stepsPerEpoch":100,"shortGroups":3}' abl-base
run '{"epochs":6,"stepsPerEpoch":100,"shortGroups":3,"speeds":[1]}' abl-nospeed
run '{"epochs":6,"stepsPerEpoch":100,"shortGroups":3,"arch":{"statsLayers":null}}' abl-nostats
run '{"epochs":6,"stepsPerEpoch":100,"shortGroups":3,"quotas":{"librispeech":0.85,"dspspeech20":0.07,"arabic-speech-commands":0.08}}' abl-natural
run '{"epochs":6,"stepsPerEpoch":100,"shortGroups":3,"speedsByCorpus":{"librispeech":[1]}}' abl-speed-short
run '{"epochs":6,"stepsPerEpoch":100,"shortGroups":3,"augment":{"arabic-speech-commands":["noise"]}}' abl-arabic-noise
