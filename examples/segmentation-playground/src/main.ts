import { runPlayground } from './playground';
import { formatPlayground } from './report';

// npx tsx examples/segmentation-playground/src/main.ts [orders.csv] [asOf]
const [csvPath, asOf] = process.argv.slice(2);
const result = await runPlayground({ ...(csvPath ? { csvPath } : {}), ...(asOf ? { asOf } : {}) });
console.log(formatPlayground(result));
