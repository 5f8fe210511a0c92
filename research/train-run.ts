/**
 * One training run from JSON options, then the dev lists; for recipe iteration (docs/results/recipe.md).
 *   npx tsx research/train-run.ts '{"epochs":4,"stepsPerEpoch":100}' [label]
 * Prints per-epoch lines and a final JSON line {label, options, steps, seconds, val, dev}.
 */
import { initBackend } from "../src/backend";
import { train } from "../src/train";
import { evalDev, formatDev } from "../scripts/eval-dev";

async function main(): Promise<void> {
  await initBackend();
  const opts = JSON.parse(process.argv[2] ?? "{}") as Record<string, unknown>;
  const label = process.argv[3] ?? "run";
  const r = await train(
    { data: "../shared/data", splits: "../shared/data/splits.json", ...opts },
    (e) => {
      if (e.type === "epoch") {
        const by = Object.entries(e.valEerByCorpus)
          .map(([c, v]) => `${c.slice(0, 6)} ${(100 * v).toFixed(1)}`)
          .join(" ");
        console.log(
          `epoch ${e.epoch} step ${e.step} loss ${e.loss.toFixed(4)} active ${e.activeFraction.toFixed(3)} collapsed ${e.collapsedFraction.toFixed(4)} val ${(100 * e.valEer).toFixed(2)}% [${by}]${e.best ? " *" : ""} ${e.seconds.toFixed(0)}s`,
        );
      } else if (e.type === "start") console.log(JSON.stringify(e));
    },
  );
  const dev = await evalDev(r.embedder);
  console.log(formatDev(dev));
  console.log(
    JSON.stringify({
      label,
      options: opts,
      steps: r.steps,
      seconds: Math.round(r.seconds),
      bestEpoch: r.bestEpoch,
      val: r.validation.meanEer,
      dev: Object.fromEntries(
        dev.map((d) => [d.list, +(100 * d.eer).toFixed(2)]),
      ),
    }),
  );
  r.embedder.dispose();
}
void main();
