import { createMemoryStorage } from '@crmkit/core';
import { runAdapterConformance } from '@crmkit/testkit/conformance';

runAdapterConformance('memory', () => createMemoryStorage());
