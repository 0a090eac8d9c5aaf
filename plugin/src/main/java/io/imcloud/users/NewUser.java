package io.imcloud.users;

/**
 * One registration request as the client sent it; {@link UserService} validates it.
 *
 * @param username as sent (lower-cased before validation)
 * @param password the new account's password
 * @param nickname optional display name
 */
public record NewUser(String username, String password, String nickname) {

    @Override
    public String toString() {
        return "NewUser[" + username + ", password hidden]";
    }
}
