# The fuzz targets (fuzz/fuzz_targets/), what seeds each and how long an
# input may be: short enough that each runs thousands of inputs a second
# (a trail file of 8 KB still holds a dozen events, or a gzip of many more).
# Sourced by scripts/fuzz.sh and scripts/fuzz-campaign.sh.
FUZZ_TARGETS=(ingest parts query segment sigma evidence)
declare -A FUZZ_MAX_LEN=([ingest]=8192 [parts]=8192 [query]=1024 [segment]=8192 [sigma]=16384 [evidence]=16384)

# fuzz_seed TARGET CORPUS_DIR: the fixtures the target's input looks like,
# then the minimised corpus its campaigns kept in the repository.
fuzz_seed() {
  fuzz_fixtures "$1" "$2"
  if [ -d "fuzz/seeds/$1" ]; then
    find "fuzz/seeds/$1" -type f -exec cp -n {} "$2/" \;
  fi
}

# fuzz_fixtures TARGET DIR: the fixtures alone.
fuzz_fixtures() {
  local target=$1 corpus=$2
  mkdir -p "$corpus"
  case "$target" in
    ingest | parts | segment)
      find tests/fixtures -type f ! -name '*.md' ! -name 'LICENSE' ! -name '*.yml' -size -256k \
        -exec cp -n {} "$corpus/" \;
      ;;
    query)
      printf '%s' 'eventName:Delete* -errorCode:*' > "$corpus/seed1"
      printf '%s' '(service:s3.amazonaws.com OR "Access Denied") time>=2024-05-01T10:00Z' > "$corpus/seed2"
      printf '%s' 'requestParameters.bucketName:/^prod-/ AND NOT kind:Root' > "$corpus/seed3"
      ;;
    sigma)
      # Rule files share names across folders: keep each under its path.
      find tests/fixtures/sigma -type f -name '*.yml' | while read -r rule; do
        cp -n "$rule" "$corpus/$(printf '%s' "$rule" | tr '/' '_')"
      done
      ;;
    evidence)
      python3 scripts/fuzz/evidence-seeds.py "$corpus"
      ;;
    *)
      echo "unknown fuzz target $target" >&2
      return 2
      ;;
  esac
}

# fuzz_build: every target, as the runs use them. No address sanitizer: the
# project's code forbids `unsafe`, so it would watch only dependencies, at
# about half the speed; debug assertions (overflow checks) stay on.
fuzz_build() {
  cargo +nightly fuzz build --fuzz-dir fuzz -s none -a
}

# fuzz_keep TARGET CORPUS [LOG]: the smallest set of CORPUS's inputs that
# reaches the code the fixtures do not (they seed every run anyway), into
# fuzz/seeds/TARGET. Edges only (no hit counters): a campaign's corpus of
# 10,000 inputs and 46 MB keeps about 1,000 inputs and 0.8 MB this way,
# against 5,000 and 22 MB counting hit counts.
fuzz_keep() {
  local target=$1 corpus=$2 log=${3:-/dev/null}
  local kept="fuzz/seeds/$target" fresh
  fresh=$(mktemp -d)
  fuzz_fixtures "$target" "$fresh"
  ls "$fresh" | sort >"$fresh.before"
  "$(fuzz_binary "$target")" -set_cover_merge=1 -use_counters=0 -max_len="${FUZZ_MAX_LEN[$target]}" \
    "$fresh" "$corpus" >>"$log" 2>&1
  rm -rf "$kept" && mkdir -p "$kept"
  ls "$fresh" | sort | comm -13 "$fresh.before" - | while read -r name; do cp "$fresh/$name" "$kept/"; done
  rm -rf "$fresh" "$fresh.before"
}

fuzz_binary() {
  echo "fuzz/target/x86_64-unknown-linux-gnu/release/$1"
}
