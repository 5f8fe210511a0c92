/**
 * Import first in code that runs under the page's CSP (the preload and the browser bridge client):
 * zod 4 probes `new Function('')` to decide whether to compile fast parsers, which a strict CSP
 * without 'unsafe-eval' reports as a violation. jitless keeps it from trying.
 */
import { z } from 'zod';

z.config({ jitless: true });
