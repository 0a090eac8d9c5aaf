/**
 * The plugin's texts for callers and operators in their language: the bundle in {@code i18n/}, the error texts of
 * the REST API and of the domain's refusals, and the exception that carries one. JDK only, so that every package may
 * use it.
 */
package io.imcloud.i18n;
