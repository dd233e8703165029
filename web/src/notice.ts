import { ApiError } from './api.js';
import { fill, h } from './dom.js';

/**
 * One message area: an API failure is shown as its problem+json title and detail (and the fields a 400 names),
 * never as raw JSON. Errors are announced assertively (role=alert), other news politely.
 */
export interface Notice {
  readonly element: HTMLElement;
  error(error: unknown): void;
  info(text: string): void;
  success(text: string): void;
  clear(): void;
}

export function createNotice(): Notice {
  const element = h('div', { class: 'notice', hidden: true });

  function show(kind: 'error' | 'info' | 'success', ...content: Array<Node | string | null>): void {
    element.hidden = false;
    element.className = `notice notice--${kind}`;
    element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    fill(element, ...content);
  }

  return {
    element,
    error(error) {
      if (!(error instanceof ApiError)) {
        show('error', h('strong', {}, 'Something went wrong'), h('p', {}, String(error)));
        return;
      }
      const { problem } = error;
      const fields = (problem.errors ?? []).filter((e) => e.message);
      show(
        'error',
        h('strong', { class: 'notice-title' }, problem.title ?? `HTTP ${error.status}`),
        problem.detail ? h('p', { class: 'notice-detail' }, problem.detail) : null,
        fields.length ? h('ul', {}, fields.map((e) => h('li', {}, e.path ? `${e.path}: ${e.message}` : e.message))) : null,
        error.status === 401 ? h('p', {}, 'This service wants a bearer token: sign out and sign in with one.') : null,
      );
    },
    info(text) {
      show('info', text);
    },
    success(text) {
      show('success', text);
    },
    clear() {
      element.hidden = true;
      element.replaceChildren();
    },
  };
}
