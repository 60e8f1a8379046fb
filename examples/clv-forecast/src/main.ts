import { runForecast } from './forecast';
import { formatForecast } from './report';

// npx tsx examples/clv-forecast/src/main.ts [orders.csv]
const [csvPath] = process.argv.slice(2);
console.log(formatForecast(await runForecast(csvPath ? { csvPath } : {})));
