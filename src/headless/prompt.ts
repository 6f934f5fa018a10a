import { createInterface } from 'node:readline';

/** Asks for a secret on the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    const rl = createInterface({ input, output: process.stderr, terminal: true });
    const rlOut = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    rlOut._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s); // the question itself, then nothing the user types
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    asked = true;
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}
