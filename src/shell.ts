export { $ } from './exec.ts';
