/**
 * Push: device tokens of app users ({@link io.imcloud.push.PushBindings}) and offline-message callbacks, Easemob's
 * callback service for pushes: for each message stored offline for a user with a bound device, the app's back-end gets
 * a signed JSON POST ({@link io.imcloud.push.CallbackDispatcher}) from a persistent queue
 * ({@link io.imcloud.push.CallbackQueue}). Imports no Openfire, Jetty or servlet types.
 */
package io.imcloud.push;
