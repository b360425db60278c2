package dev.larder;

/** Feast's serving statuses of one feature value. */
public enum FieldStatus {
    /** The value is there and fresh. */
    PRESENT,
    /** The stored value is null. */
    NULL_VALUE,
    /** No row for the entity, or the row lacks the feature. */
    NOT_FOUND,
    /** The row is older than the request time minus the view's ttl; its value is withheld. */
    OUTSIDE_MAX_AGE
}
