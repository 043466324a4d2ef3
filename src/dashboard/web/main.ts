import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { h } from './h.js';

createRoot(document.getElementById('root')!).render(h(StrictMode, null, h(App, null)));
