package io.callstream.registry.client;

/**
 * An error answered by the schema registry ({@code error_code} and {@code message} of Confluent's
 * error body), or the failure to reach it.
 */
public class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Confluent error codes this project interprets. */
    public static final int SUBJECT_NOT_FOUND = 40401;

    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_SOFT_DELETED = 40404;
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    public static final int VERSION_SOFT_DELETED = 40406;
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int INVALID_MODE = 42204;
    public static final int OPERATION_NOT_PERMITTED = 42205;
    public static final int REFERENCE_EXISTS = 42206;
    public static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;
    public static final int STORE_ERROR = 50001;
    public static final int UNREACHABLE = -1;

    private final int httpStatus;
    private final int errorCode;

    public RegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    public RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message + " (error code " + errorCode + ")", cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** Whether asking again later may succeed: the registry was unreachable, overloaded or failing. */
    public boolean isTransient() {
        return errorCode == UNREACHABLE || httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
    }

    /** Whether {@code failure} or one of its causes is a transient registry failure. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RegistryException registry && registry.isTransient()) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status, or -1 when the registry could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code}: e.g. 40401 subject not found, 40403 schema not found. */
    public int errorCode() {
        return errorCode;
    }
}
