/**
 * The contract's operations implemented over the core, one function per feature. Both hosts use
 * them: main/ registers each feature's handlers on IPC, the bridge serves them all over HTTP.
 */
import type { Feature, OpsOf } from '../contract';
import type { Handlers } from '../dispatch';
import type { AudioInput, CoreHost } from '../host';
import { toModelCard } from './adapt';
import { liveHandlers } from './live';

type FeatureHandlers<F extends Feature> = Pick<Handlers, OpsOf<F>>;

const audio = (a: { name: string; bytes: Uint8Array }): AudioInput => ({ name: a.name, bytes: a.bytes });

export function appHandlers(host: CoreHost): FeatureHandlers<'app'> {
  return {
    async getInfo() {
      await host.ensureOpen();
      const info = host.engine().info();
      const card = toModelCard(info.model.card);
      return {
        version: info.version,
        backend: info.backend,
        storeDir: info.storeDir,
        model: { id: info.model.id, dir: info.model.dir, card },
        threshold: info.threshold,
        ...(info.calibratedDecision ? { calibratedDecision: info.calibratedDecision } : {}),
        recommendedSpeechSec: info.recommendedSpeechSec,
        minSpeechSec: info.minSpeechSec,
      };
    },
    async cancelJob({ jobId }) {
      return { cancelled: host.jobs.cancel(jobId) };
    },
  };
}

export function speakersHandlers(host: CoreHost): FeatureHandlers<'speakers'> {
  return {
    async listSpeakers() {
      return { speakers: host.engine().listSpeakers() };
    },
    async renameSpeaker({ name, newName }) {
      return { speaker: await host.engine().rename(name, newName) };
    },
    async removeSpeaker({ name, purge }) {
      await host.engine().remove(name, { purge });
      return { removed: name };
    },
    async exportSpeaker({ name }) {
      const bytes = await host.engine().exportProfile(name);
      const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 60) || 'speaker';
      return { fileName: `${safe}.vpprofile`, bytes };
    },
    async importSpeaker({ bytes }) {
      return { speaker: await host.engine().importProfile(bytes) };
    },
  };
}

export function enrollHandlers(host: CoreHost): FeatureHandlers<'enroll'> {
  return {
    async assessTake({ audio: a }) {
      return host.engine().assessTake(audio(a));
    },
    async enroll({ name, takes, append }) {
      return host.engine().enroll(name, takes.map(audio), { append });
    },
  };
}

export function verifyHandlers(host: CoreHost): FeatureHandlers<'verify'> {
  return {
    async verify({ speaker, audio: a }) {
      return host.engine().verify(speaker, audio(a));
    },
    async identify({ audio: a, top }) {
      return host.engine().identify(audio(a), { top });
    },
    ...liveHandlers(host),
  };
}

export function calibrateHandlers(host: CoreHost): FeatureHandlers<'calibrate'> {
  return {
    async calibrate() {
      return host.engine().calibrate();
    },
    async setThreshold({ threshold }) {
      await host.engine().setThreshold(threshold);
      return { threshold };
    },
  };
}

export function finetuneHandlers(host: CoreHost): FeatureHandlers<'finetune'> {
  return {
    async inspectFolder({ path }) {
      return host.inspectFolder(path);
    },
    async startFinetune(req) {
      const jobId = host.jobs.start('startFinetune', (ctx) => host.finetune(req, ctx));
      return { jobId };
    },
  };
}

export function modelsHandlers(host: CoreHost): FeatureHandlers<'models'> {
  return {
    listModels: () => host.models.list(),
    useModel: ({ id }) => host.models.use(id),
    rollbackModel: () => host.models.rollback(),
  };
}

export const FEATURE_HANDLERS = {
  app: appHandlers,
  speakers: speakersHandlers,
  enroll: enrollHandlers,
  verify: verifyHandlers,
  calibrate: calibrateHandlers,
  finetune: finetuneHandlers,
  models: modelsHandlers,
} satisfies { [F in Feature]: (host: CoreHost) => FeatureHandlers<F> };

/** Every op, for the bridge (which serves them all from one dispatcher). */
export function createHandlers(host: CoreHost): Handlers {
  return Object.assign({}, ...Object.values(FEATURE_HANDLERS).map((f) => f(host))) as Handlers;
}
