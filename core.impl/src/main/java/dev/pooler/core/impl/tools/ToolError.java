package dev.pooler.core.impl.tools;

/** The typed errors of a tool call, as the {@code tool_reply} frame names them to Python. */
public enum ToolError {
    /** No tool of that name is registered. */
    UNKNOWN_TOOL,
    /** The pool's {@code tools.allowed} does not list the tool. */
    TOOL_NOT_ALLOWED,
    /** The tool failed, or its service went away during the call. */
    TOOL_FAILED,
    /** The tool did not answer within the call's timeout. */
    TOOL_TIMEOUT;

    /** Whether {@code type} (an error type from the wire) is one of these. */
    public static boolean isNamed(String type) {
        if (type != null) {
            for (ToolError e : values()) {
                if (e.name().equals(type)) {
                    return true;
                }
            }
        }
        return false;
    }
}
