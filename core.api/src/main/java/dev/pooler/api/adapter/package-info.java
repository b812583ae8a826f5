/**
 * Python adapters delivered as bundles: a bundle whose manifest carries the {@value
 * dev.pooler.api.adapter.AdapterCatalog#HEADER} header and its Python package as resources becomes an
 * adapter that pools can name ({@code adapter=sentiment}); the {@link dev.pooler.api.adapter.AdapterCatalog}
 * says which are installed, at which version, and which are missing.
 */
@Export
@Version("1.0.0")
package dev.pooler.api.adapter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
