import tseslint from 'typescript-eslint';

/**
 * Runtime and simulator code must be deterministic: time, randomness and timers come in through
 * the Clock and Random ports. Only the adapters that implement those ports on the real system
 * (system clock, system random, etcd store, real processes in the CLI and HTTP server) and the
 * simulator's scheduler may use the globals.
 */
const nondeterministic = [
  { object: 'Date', property: 'now', message: 'Read time through the Clock port.' },
  { object: 'Math', property: 'random', message: 'Draw randomness through the Random port.' },
  { object: 'performance', property: 'now', message: 'Read time through the Clock port.' },
  { object: 'process', property: 'nextTick', message: 'Schedule work through the Clock port.' },
];
const timerGlobals = ['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
  name,
  message: 'Wait through Clock.sleep so the simulator controls time.',
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'sim/**/*.ts'],
    ignores: [
      'src/runtime/system-clock.ts',
      'src/runtime/system-random.ts',
      'src/store/etcd-store.ts',
      'src/cli/**/*.ts',
      'src/http/**/*.ts',
      // The scheduler waits one macrotask turn after each event so promise callbacks settle.
      'sim/scheduler.ts',
    ],
    rules: {
      'no-restricted-properties': ['error', ...nondeterministic],
      'no-restricted-globals': ['error', ...timerGlobals],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() reads the real time; pass a time from the Clock port.',
        },
        {
          selector: "MemberExpression[object.name='globalThis'][property.name=/^(setTimeout|setInterval|setImmediate)$/]",
          message: 'Wait through Clock.sleep so the simulator controls time.',
        },
      ],
    },
  },
);
