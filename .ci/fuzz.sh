#!/bin/sh
# Builds the libFuzzer targets (fuzz/fuzz_json_decode.c, fuzz/fuzz_sse.c,
# fuzz/fuzz_partial_json.c, fuzz/fuzz_eventstream.c) with
# clang, ASan and UBSan, and runs each for FUZZ_SECONDS (default 60). The
# minimized corpus kept in the repo (fuzz/corpus/<target>) seeds each run; new
# inputs go to build/fuzz-corpus/<target> (refresh the repo's with libFuzzer's
# -merge=1); a crash leaves its input in build/fuzz-artifacts/ and fails the run.
set -e
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}  # FUZZ_TARGETS="eventstream" runs only those
CLANG=${CLANG:-clang}
LUA=${LUA:-lua5.4}
FLAGS="-std=c99 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Icsrc"
# the JSON reader and the writer with its parts (as test/c/json_test.c links them)
JSON_SRCS="csrc/json_decode.c csrc/json_write.c csrc/json_path.c csrc/fpconv.c csrc/buffer.c csrc/compat.c csrc/base64.c"
mkdir -p build/fuzz-corpus/json build/fuzz-corpus/sse build/fuzz-corpus/partial_json build/fuzz-corpus/eventstream \
  build/fuzz-artifacts
# shellcheck disable=SC2046,SC2086
$CLANG $FLAGS $(pkg-config --cflags "$LUA") -o build/fuzz_json_decode \
  fuzz/fuzz_json_decode.c $JSON_SRCS $(pkg-config --libs "$LUA") -lm
# shellcheck disable=SC2046,SC2086
$CLANG $FLAGS $(pkg-config --cflags "$LUA") -o build/fuzz_partial_json \
  fuzz/fuzz_partial_json.c csrc/partial_json.c csrc/json_decode.c csrc/buffer.c $(pkg-config --libs "$LUA") -lm
# shellcheck disable=SC2086
$CLANG $FLAGS -o build/fuzz_sse fuzz/fuzz_sse.c csrc/sse.c csrc/buffer.c
# shellcheck disable=SC2086
$CLANG $FLAGS -o build/fuzz_eventstream fuzz/fuzz_eventstream.c csrc/eventstream.c csrc/bedrock_stream.c \
  csrc/json_member.c csrc/base64.c csrc/buffer.c -lz
# seeds: the recorded streams and a few JSON documents
[ -n "$(ls build/fuzz-corpus/json)" ] || {
  printf '{"a":[1,2.5,-0,1e400,"\\u00e9\\ud83d\\ude00",null,true,{}],"b":[]}' > build/fuzz-corpus/json/seed1
  printf '[[[[[]]]]]' > build/fuzz-corpus/json/seed2
}
[ -n "$(ls build/fuzz-corpus/sse)" ] || {
  printf '\000\000\003\000\010\000\040\001\000event: message_start\ndata: {"type":"message_start"}\n\n: ping\r\n\rdata: a\ndata: b\nid: 7\nretry: 10\n\n' > build/fuzz-corpus/sse/seed1
}
[ -n "$(ls build/fuzz-corpus/partial_json)" ] || {
  printf '{"location": "San Francisco, CA", "days": [1, 2.5e-3, -0], "ok": true, "n": null, "s": "\\"\\u00e9"}' \
    > build/fuzz-corpus/partial_json/seed1
  printf '[{"a":{}},[],"x",false]' > build/fuzz-corpus/partial_json/seed2
}
status=0
for target in ${FUZZ_TARGETS:-json_decode sse partial_json eventstream}; do
  case $target in json_decode) corpus=build/fuzz-corpus/json ;; *) corpus=build/fuzz-corpus/$target ;; esac
  start=$(date +%s)
  ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" build/fuzz_$target -max_total_time="$SECONDS_EACH" -max_len=4096 \
    -artifact_prefix=build/fuzz-artifacts/$target- -print_final_stats=1 "$corpus" "fuzz/corpus/$(basename "$corpus")" \
    > build/fuzz-$target.log 2>&1 || status=1
  echo "fuzz.sh: $target: $(grep -E '^stat::number_of_executed_units' build/fuzz-$target.log | awk '{print $2}') runs in $(( $(date +%s) - start )) s, $( [ $status = 0 ] && echo ok || echo FAILED: see build/fuzz-$target.log)"
done
exit $status
