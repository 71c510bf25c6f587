// curlconverter's JSON output, timed in-process: the other side of bench/inprocess.py.
//
//   node bench/curlconverter_bench.mjs COMMANDS.json [SECONDS]
//
// COMMANDS.json is a JSON array of curl command strings (bench/inprocess.py writes it).
// One warm-up pass, then whole passes until SECONDS have gone by.  A command that
// curlconverter rejects (it throws) still counts: its time was spent the same way.
// Prints one JSON object: {"per_second", "done", "failed", "seconds"}.
import { readFileSync } from "node:fs";
import { toJsonString } from "curlconverter";

const [path, secondsArg] = process.argv.slice(2);
const commands = JSON.parse(readFileSync(path, "utf8"));
const seconds = Number(secondsArg ?? "3");

function pass() {
  let failed = 0;
  for (const cmd of commands) {
    try {
      toJsonString(cmd);
    } catch {
      failed += 1;
    }
  }
  return failed;
}

const failed = pass(); // warm-up (JIT, parser initialisation)
let done = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < seconds) {
  pass();
  done += commands.length;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}
process.stdout.write(JSON.stringify({ per_second: done / elapsed, done, failed, seconds: elapsed }) + "\n");
