package io.imcloud.groups;

import java.util.List;

/**
 * A group to create, as a back-end asks for it (Easemob's {@code POST /chatgroups}); checked by {@link GroupService#create}.
 *
 * @param name        {@code groupname}
 * @param description {@code description} (or Easemob's {@code desc}), or null
 * @param isPublic    {@code public}
 * @param maxUsers    {@code maxusers}, or null for the setting's largest group
 * @param owner       the owner's username
 * @param members     further members' usernames (may be empty)
 */
public record NewGroup(String name, String description, boolean isPublic, Integer maxUsers, String owner,
                       List<String> members) {
}
