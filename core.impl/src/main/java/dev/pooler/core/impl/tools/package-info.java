/**
 * Tools Python calls: the registry of {@code PoolerTool} services and the handling of a worker's
 * {@code tool_call} frames (allowed tools, timeouts, typed errors, the {@code tool_reply} frame).
 */
package dev.pooler.core.impl.tools;
