// First: the renderer bundles zod (through the core's front end), and zod must not probe eval under the page's CSP.
import '../../src/api/zod-jitless';
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
