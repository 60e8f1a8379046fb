export * from './campaigns';
export * from './customers';
export * from './dataset';
export * from './interactions';
export * from './options';
export * from './orders';
