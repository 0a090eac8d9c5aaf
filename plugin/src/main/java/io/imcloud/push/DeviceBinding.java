package io.imcloud.push;

/**
 * One device of an app user bound for push (Easemob's push binding).
 *
 * @param deviceId     the device's id, as the client SDK names it
 * @param deviceToken  the push service's token of the app on that device (APNs, FCM, a vendor's)
 * @param notifierName the push certificate's name, {@code ""} when none was given
 * @param created      when the device was first bound, epoch milliseconds
 * @param modified     when its binding last changed, epoch milliseconds
 */
public record DeviceBinding(String deviceId, String deviceToken, String notifierName, long created, long modified) {
}
