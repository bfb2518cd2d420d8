/**
 * The directory engine: finds users in Active Directory over LDAP (ldapts 8) and returns facts
 * (DNs, account flags), never chat text. ldapts loads only when the first connection opens.
 */
export * from './client';
export * from './errors';
export * from './filter';
export * from './settings';
