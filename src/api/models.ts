/**
 * The models the app can switch between. The registry itself (the built-in model, fine-tuned
 * versions under STORE/models/ID/, the choice in STORE/app-models.json, crash-safe switching)
 * lives in the core, src/model/registry.ts, shared with the CLI; this adds the contract's shape.
 */
import { ModelRegistry as CoreModelRegistry } from '../model/registry';
import type { Res } from './contract';
import { toModelCard } from './handlers/adapt';

export { MODELS_STATE_FILE, USER_MODELS_DIR, switchModel, rollbackModel } from '../model/registry';

export class ModelRegistry extends CoreModelRegistry {
  async list(activeId: string): Promise<Res<'listModels'>> {
    const entries = await this.entries();
    return {
      models: entries.map((e) => {
        const card = toModelCard(e.card);
        return { id: e.id, card, active: e.id === activeId, builtin: e.builtin, createdAt: card.createdAt };
      }),
      previousId: this.state().previousId,
    };
  }
}
