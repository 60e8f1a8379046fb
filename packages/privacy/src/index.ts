/**
 * Data protection for crmkit: field classification (public / internal /
 * sensitive) declared next to core's schemas, AES-256-GCM encryption of
 * sensitive fields before they reach any adapter (per-customer data keys
 * wrapped by a pluggable, KMS-style {@link KeyProvider}, streaming key
 * rotation), blind indexes for lookup by email or phone, masking per role,
 * role- and capability-based access with audited denials, a hash-chained
 * audit trail, per-purpose consent, subject export and erasure
 * (crypto-shredding or deletion), and data minimisation on import.
 *
 * @packageDocumentation
 * @module @crmkit/privacy
 */
export {
  type AccessGuard,
  type Actor,
  type ActorInput,
  ActorSchema,
  builtInRoles,
  type Capability,
  CapabilitySchema,
  createAccessGuard,
  type FieldPermission,
  FieldPermissionSchema,
  type Role,
  type RoleInput,
  RoleSchema,
} from './access';
export {
  type AuditEntry,
  AuditEntrySchema,
  type AuditQuery,
  type AuditRecord,
  type AuditTrail,
  type AuditVerification,
  type NewAuditEntry,
  verifyAuditChain,
} from './audit';
export { type BlindIndexKind, blindIndex, normaliseEmail, normalisePhone } from './blind-index';
export {
  type Classification,
  type ClassificationInput,
  defaultClassification,
  defineClassification,
  type FieldClass,
  FieldClassSchema,
  type InteractionTextField,
} from './classification';
export { type ConsentPurpose, ConsentPurposeSchema, hasConsent, withConsent } from './consent';
export { decryptField, encryptField, type FieldContext, parseEnvelope } from './envelope';
export { type EraseOptions, EraseOptionsSchema, type ErasureReport } from './erase';
export { AccessDeniedError, DecryptionError, KeyNotFoundError } from './errors';
export {
  createStaticKeyProvider,
  type KeyProvider,
  type StaticKeyProviderOptions,
  StaticKeyProviderOptionsSchema,
  type WrapRequest,
} from './keys';
export {
  defaultMaskFor,
  type Mask,
  MaskSchema,
  maskEmail,
  maskName,
  maskPhone,
  maskValue,
} from './masking';
export { type MinimisedCustomer, minimiseCustomer } from './minimise';
export {
  type ConsentDecision,
  ConsentDecisionSchema,
  createProtectedStorage,
  type ImportReport,
  isProtectedStorage,
  type ProtectedStorage,
  type ProtectedStorageOptions,
  ProtectedStorageOptionsSchema,
} from './protected-storage';
export { cryptoRandomBytes, type RandomBytes, seededRandomBytes } from './random-bytes';
export { type RotateKeysOptions, RotateKeysOptionsSchema, type RotationReport } from './rotation';
export type { SubjectExport } from './subject';
