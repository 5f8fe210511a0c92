// First: src/features/front-end.ts (SAMPLE_RATE) brings zod, whose schemas would probe eval under the page's CSP.
import '../../src/api/zod-jitless';
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
