/** Event Admin topics and property names that Pooler posts. */
@Export
@Version("1.2.0")
package dev.pooler.api.events;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
