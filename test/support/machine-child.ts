// Prints this process's machine info (lab/machine.ts) as JSON, so a test can ask it of node on
// another CPU model (under `qemu-x86_64 -cpu`). Usage: node --import tsx machine-child.ts
import { currentMachine } from '../../lab/machine';

void currentMachine().then((info) => process.stdout.write(JSON.stringify(info)));
