package dev.pooler.core.impl.tools;

/** A tool call that did not succeed: its {@link ToolError} and a message naming the tool. */
public final class ToolFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ToolError error;

    public ToolFailure(ToolError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ToolError error() {
        return error;
    }
}
