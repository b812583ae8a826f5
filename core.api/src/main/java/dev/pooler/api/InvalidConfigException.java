package dev.pooler.api;

/** A configuration value was refused; {@link #field()} names the offending field. */
public class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The same refusal with the field renamed (e.g. to the configuration property's name). */
    public InvalidConfigException renamed(String newField) {
        String msg = getMessage().startsWith(field + ": ") ? getMessage().substring(field.length() + 2) : getMessage();
        InvalidConfigException e = new InvalidConfigException(newField, msg);
        e.setStackTrace(getStackTrace());
        return e;
    }

    public String field() {
        return field;
    }
}
