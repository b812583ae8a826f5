/**
 * Tools: Java services that Python commands call while they run ({@code ctx.call_tool(name, args)}).
 * A bundle registers a {@link dev.pooler.api.tools.PoolerTool} with the service property
 * {@link dev.pooler.api.tools.PoolerTool#NAME} and it becomes callable from every pool that allows it.
 */
@Export
@Version("1.0.0")
package dev.pooler.api.tools;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
