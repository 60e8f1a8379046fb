// The segmentation benchmark in plain Node, the reference figures (see the README's Performance section):
//   npm run bench -w @crmkit/segmentation          (from the repository root; BENCH_CUSTOMERS=… to resize)
import { fullRun } from './full-run';

console.log(await fullRun());
