package io.imcloud.openfire;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imcloud.admin.AdminConsole;
import io.imcloud.archive.ArchivePurge;
import io.imcloud.archive.GroupDelivery;
import io.imcloud.archive.MessageDelivery;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.NodeLease;
import io.imcloud.archive.RetentionSweeper;
import io.imcloud.archive.SqlArchive;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.FileUses;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.contacts.Contacts;
import io.imcloud.groups.GroupService;
import io.imcloud.push.CallbackDispatcher;
import io.imcloud.push.CallbackQueue;
import io.imcloud.push.CallbackReports;
import io.imcloud.push.PushBindings;
import io.imcloud.rest.AccountRoutes;
import io.imcloud.rest.ArchiveRoutes;
import io.imcloud.rest.ChatfileRoutes;
import io.imcloud.rest.ClientAddresses;
import io.imcloud.rest.ContactRoutes;
import io.imcloud.rest.CoreRoutes;
import io.imcloud.rest.FileUrls;
import io.imcloud.rest.GroupRoutes;
import io.imcloud.rest.ImcloudServlet;
import io.imcloud.rest.MessageJson;
import io.imcloud.rest.PushRoutes;
import io.imcloud.rest.RestContext;
import io.imcloud.rest.RouteGroup;
import io.imcloud.rest.SqlRateLimiter;
import io.imcloud.sql.ConnectionProvider;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppRemoval;
import io.imcloud.tenancy.AppStamps;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.SigningKeyStore;
import io.imcloud.tenancy.StoreException;
import io.imcloud.tenancy.TokenService;
import io.imcloud.tenancy.UserData;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.UnreadCounters;
import io.imcloud.users.AccountControl;
import io.imcloud.users.RegisteredUsers;
import io.imcloud.users.SquattedNames;
import io.imcloud.users.UserService;
import io.imcloud.xmpp.GroupMessageArchiver;
import io.imcloud.xmpp.GroupRoomGuard;
import io.imcloud.xmpp.GroupRoomJids;
import io.imcloud.xmpp.HttpUploadService;
import io.imcloud.xmpp.ImcloudPacketInterceptor;
import io.imcloud.xmpp.MamIqHandler;
import io.imcloud.xmpp.MessageArchiver;
import io.imcloud.xmpp.OfflineStateListener;
import io.imcloud.xmpp.PacketSender;
import io.imcloud.xmpp.RoomMamIqHandler;
import io.imcloud.xmpp.TenantFirewall;
import io.imcloud.xmpp.XmppGroupDelivery;
import io.imcloud.xmpp.XmppMessageDelivery;
import org.jivesoftware.openfire.OfflineMessageStrategy;
import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.component.InternalComponentManager;
import org.jivesoftware.openfire.container.Plugin;
import org.jivesoftware.openfire.container.PluginManager;
import org.jivesoftware.openfire.event.UserEventDispatcher;
import org.jivesoftware.openfire.interceptor.InterceptorManager;
import org.jivesoftware.openfire.muc.MUCEventDispatcher;
import org.jivesoftware.util.JiveGlobals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.component.ComponentException;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Openfire plugin: wires imcloud's components into Openfire on load and takes every one of
 * them out again on unload. Each component is one {@link LifecycleSteps} step, started in the order
 * below and stopped in reverse; a step that fails stops the ones before it and fails the load.
 * Openfire instantiates this class through its public no-argument constructor.
 */
public final class ImcloudPlugin implements Plugin {

    private static final Logger Log = LoggerFactory.getLogger(ImcloudPlugin.class);

    /** Most squatted names the start-up warning lists. */
    private static final int SQUATTED_NAMES_LOGGED = 20;
    /** Writes the offline-message callbacks' bodies. */
    private static final ObjectMapper CALLBACK_JSON = new ObjectMapper();

    private final LifecycleSteps steps = new LifecycleSteps();
    private final Supplier<JettyBridge> httpBind;

    /** The plugin as Openfire creates it: the REST API goes on Openfire's HTTP-bind server. */
    public ImcloudPlugin() {
        this(JettyBridge::forOpenfire);
    }

    /** The plugin with the REST API on the server {@code httpBind} reaches (tests host it on their own Jetty). */
    ImcloudPlugin(Supplier<JettyBridge> httpBind) {
        this.httpBind = httpBind;
    }

    /** Openfire's entry point. Never called twice without {@link #destroyPlugin()} in between. */
    @Override
    public void initializePlugin(PluginManager manager, File pluginDirectory) {
        // Openfire 5.x no longer offers PluginManager.getPluginDirectory(Plugin): pluginDirectory is the only handle.
        Log.info("imcloud: starting from {}", pluginDirectory);
        ImcloudSettings settings = steps.start("settings", ImcloudSettings::fromOpenfire, ImcloudSettings::close);
        ConnectionProvider database = steps.start("database", OpenfireConnectionProvider::new, db -> { });
        XMPPServer server = XMPPServer.getInstance();
        String domain = server.getServerInfo().getXMPPDomain();
        PacketSender packetRouter = server.getPacketRouter()::route;

        // The lease is released after the archive stopped issuing and committing ids of this node.
        NodeLease node = steps.start("cluster node id", () -> NodeLease.claim(database, settings.get(ImcloudSettings.NODE_ID)),
                NodeLease::close);
        // The archive is stopped after every hook that feeds it, so close() commits all they queued.
        SqlArchive archive = steps.start("archive", () -> new SqlArchive(database, new MessageIds(node.nodeId()),
                settings.writerSettings(), node::othersAlive), SqlArchive::close);
        Attachments attachments = new Attachments(database, filesDirectory(settings, pluginDirectory), Clock.systemUTC(),
                settings::attachmentLimits);
        RetentionSweeper archiveSweeper = new RetentionSweeper(database);
        RetentionSchedule retention = steps.start("retention sweeper", () -> new RetentionSchedule(List.of(
                new RetentionSchedule.Sweep("archived messages", archiveSweeper::sweepOnce),
                new RetentionSchedule.Sweep("files", attachments::sweep)), settings.get(ImcloudSettings.RETENTION_SWEEP_MINUTES)),
                RetentionSchedule::close);
        settings.onChange(ImcloudSettings.RETENTION_SWEEP_MINUTES, retention::reschedule);

        OpenfireMembershipCache membershipCache = steps.start("membership cache", OpenfireMembershipCache::create,
                OpenfireMembershipCache::close);
        AppMembership membership = new AppMembership(new RegisteredUsers(database), membershipCache);
        // Nothing to undo: the cache stays in Openfire's cache factory, and a restarted plugin has nothing cached to check.
        OpenfireAppStamps appStamps = steps.start("app stamps cache", OpenfireAppStamps::create, stamps -> { });
        // parsed when the setting changes, not per stanza
        AtomicReference<Set<String>> allowedServices = new AtomicReference<>(
                ImcloudSettings.domains(settings.get(ImcloudSettings.ALLOWED_SERVICES)));
        settings.onChange(ImcloudSettings.ALLOWED_SERVICES, list -> allowedServices.set(ImcloudSettings.domains(list)));
        // The plugin's own services are open to app users whatever ALLOWED_SERVICES lists.
        String uploadService = settings.get(ImcloudSettings.UPLOAD_SUBDOMAIN) + "." + domain;
        Predicate<String> openServices = service -> service.equals(uploadService) || allowedServices.get().contains(service);
        TenantFirewall firewall = new TenantFirewall(domain, membership, openServices,
                service -> OpenfireRooms.isChatService(service, domain));
        SquattedNames.Report squatted = reportSquattedNames(database);

        // Groups are rooms of one multi-user chat service, chosen at start.
        String mucSubdomain = settings.get(ImcloudSettings.GROUPS_MUC_SUBDOMAIN);
        OpenfireRooms rooms = new OpenfireRooms(mucSubdomain, domain);
        GroupRoomJids roomJids = new GroupRoomJids(mucSubdomain + "." + domain);
        GroupService groups = new GroupService(database, rooms, new ArchivePurge(database), membership::isMember,
                archive::nextId, Clock.systemUTC(), settings::groupLimits);
        // Stopped after the hooks that note uses (it writes what they left), before the database goes.
        FileUses fileUses = steps.start("chat file uses", () -> FileUses.start(attachments, FileUses.FLUSH_EVERY), FileUses::close);
        GroupMessageArchiver groupArchiver = new GroupMessageArchiver(archive, firewall, roomJids, settings::messageLimits,
                fileUses);
        // One set of account services for the REST API and the console page, so each sees the other's changes at once.
        OpenfireBlockLists blockLists = new OpenfireBlockLists(domain, database);
        Accounts accounts = Accounts.on(database, appStamps, membership, archive, attachments, blockLists, groups);

        PrivacyListOwners listOwners = steps.start("privacy list owners", PrivacyListOwners::start, PrivacyListOwners::close);
        OpenfirePrivacyLists privacyLists = new OpenfirePrivacyLists(listOwners);
        boolean servesMam = !MamIqHandler.monitoringPluginInstalled(pluginDirectory);
        ImcloudPacketInterceptor interceptor = steps.start("packet interceptor", () -> {
            MessageArchiver archiver = new MessageArchiver(archive, firewall, settings::messageLimits,
                    privacyLists, fileUses);
            ImcloudPacketInterceptor i = new ImcloudPacketInterceptor(firewall, archiver, groupArchiver,
                    new GroupRoomGuard(roomJids, groups), servesMam, packetRouter);
            InterceptorManager.getInstance().addInterceptor(i);
            return i;
        }, i -> InterceptorManager.getInstance().removeInterceptor(i));
        steps.start("group message listener", () -> {
            RoomMessageListener l = new RoomMessageListener(groupArchiver);
            MUCEventDispatcher.addListener(l);
            return l;
        }, MUCEventDispatcher::removeListener);
        // Stopped after the offline listener that feeds it (it queues what it holds) and before the archive it reads.
        CallbackDispatcher callbacks = steps.start("offline-message callbacks", () -> new CallbackDispatcher(
                accounts.callbackQueue(), accounts.pushBindings(), archive, accounts.apps()::find, accounts.apps()::callback,
                MessageJson.exporter(CALLBACK_JSON, attachments, fileUrls(settings)), CALLBACK_JSON, settings::pushSettings,
                accounts.clock()).start(), CallbackDispatcher::close);
        steps.start("offline listener", () -> {
            OfflineStateListener l = new OfflineStateListener(interceptor.archiver(), callbacks);
            OfflineMessageStrategy.addListener(l);
            return l;
        }, OfflineMessageStrategy::removeListener);
        if (servesMam) {
            steps.start("XEP-0313 handler", () -> {
                MamIqHandler h = new MamIqHandler(archive, firewall, packetRouter, () -> settings.get(ImcloudSettings.MAM_MAX));
                server.getIQRouter().addHandler(h);
                return h;
            }, h -> server.getIQRouter().removeHandler(h));
            steps.start("XEP-0313 handler of the groups' rooms", () -> {
                RoomMamIqHandler h = new RoomMamIqHandler(archive, firewall, roomJids, groups, packetRouter,
                        () -> settings.get(ImcloudSettings.MAM_MAX));
                try {
                    rooms.service().addIQHandler(h);
                    return h;
                } catch (IllegalStateException e) {
                    // no such service: the plugin runs on; creating a group fails with the same reason until it exists
                    Log.error("imcloud: groups need the multi-user chat service {}.{} ({}); create it or set {}", mucSubdomain,
                            domain, e.getMessage(), ImcloudSettings.GROUPS_MUC_SUBDOMAIN.name());
                    return null;
                }
            }, h -> {
                if (h != null) {
                    rooms.service().removeIQHandler(h);
                }
            });
        }

        Contacts contacts = new Contacts(new OpenfireRosters(domain), blockLists, membership, settings::contactLimits);
        UploadSlots slots = new UploadSlots(accounts.keys(), accounts.clock());
        OpenfireSessions sessions = new OpenfireSessions(domain);
        // The one account control of the REST API and the console: a deactivation anywhere unbinds the user's devices.
        AccountControl accountControl = new AccountControl(accounts.users(), sessions, accounts.pushBindings()::unbindAll);
        steps.start("user deletion listener", () -> {
            AppUserDeletionListener l = new AppUserDeletionListener(membership, accounts.users(), sessions);
            UserEventDispatcher.addListener(l);
            return l;
        }, UserEventDispatcher::removeListener);
        RestEndpoint rest = steps.start("REST API", () -> new RestEndpoint(httpBind.get(),
                restServlet(database, settings, accounts, archive, attachments, slots, accountControl,
                        new XmppMessageDelivery(domain, server.getMessageRouter()::route, privacyLists), contacts,
                        groups, new XmppGroupDelivery(roomJids, rooms::broadcast)),
                settings.get(ImcloudSettings.HTTP_CONTEXT)), RestEndpoint::close);
        settings.onChange(ImcloudSettings.HTTP_CONTEXT, rest::moveTo);
        String uploadSubdomain = settings.get(ImcloudSettings.UPLOAD_SUBDOMAIN);
        steps.start("XEP-0363 upload service", () -> {
            HttpUploadService s = new HttpUploadService(firewall, membership, accounts.apps()::find, attachments, slots,
                    () -> PublicUrl.of(settings), () -> Duration.ofSeconds(settings.get(ImcloudSettings.UPLOAD_SLOT_SECONDS)),
                    packetRouter);
            try {
                InternalComponentManager.getInstance().addComponent(uploadSubdomain, s);
                return s;
            } catch (ComponentException e) {
                // another component holds the name: the plugin runs on, without XEP-0363, until the setting is changed
                Log.error("imcloud: the XEP-0363 upload service cannot take {}.{} ({}); set {} to a free name and restart"
                        + " the plugin", uploadSubdomain, domain, e.getMessage(), ImcloudSettings.UPLOAD_SUBDOMAIN.name());
                return null;
            }
        }, s -> {
            if (s != null) {
                InternalComponentManager.getInstance().removeComponent(uploadSubdomain, s);
            }
        });
        steps.start("admin console", () -> AdminConsole.install(new AdminConsole.Services(accounts.apps(), accounts.removal(),
                accounts.users(), accountControl, JiveGlobals::getLocale, squatted, attachments::usage, archive::messageCount, groups,
                new CallbackReports(database, callbacks::health)::of)),
                AdminConsole.Installation::close);
        Log.info("imcloud: started on {} for {} (node {})",
                database.databaseType().scriptName(), domain, node.nodeId());
    }

    /**
     * Apps (their changes stamped in {@code appStamps}, so every cluster node sees them at once), users and app removal
     * over Openfire's database and user store; deleting a user purges the archive, the files,
     * the group memberships, the bound devices and the queued callbacks of them and takes them off others' block lists,
     * deleting an app everything of it.
     */
    private record Accounts(Clock clock, AppStore apps, UserService users, AppRemoval removal, SigningKeyStore keys,
                            PushBindings pushBindings, CallbackQueue callbackQueue) {
        static Accounts on(ConnectionProvider database, AppStamps appStamps, AppMembership membership, SqlArchive archive,
                           Attachments attachments, UserData blockLists, GroupService groups) {
            Clock clock = Clock.systemUTC();
            AppStore apps = new AppStore(database, clock, AppStore.DEFAULT_CACHE_MILLIS, appStamps);
            PushBindings pushBindings = new PushBindings(database, clock);
            CallbackQueue callbackQueue = new CallbackQueue(database);
            UserService users = new UserService(database, new OpenfireUserDirectory(), clock, membership,
                    List.of(archive, attachments, blockLists, groups, pushBindings, callbackQueue));
            return new Accounts(clock, apps, users,
                    new AppRemoval(apps, List.of(users, groups, new ArchivePurge(database), attachments, pushBindings, callbackQueue)),
                    new SigningKeyStore(database, clock), pushBindings, callbackQueue);
        }
    }

    /**
     * {@link ImcloudSettings#FILES_DIR}, or {@code imcloud-files} in Openfire's home (the parent of {@code plugins/}:
     * Openfire 5 moved its home getter to another signature, the plugin directory is the same on every version).
     */
    private static Path filesDirectory(ImcloudSettings settings, File pluginDirectory) {
        String configured = settings.get(ImcloudSettings.FILES_DIR);
        if (!configured.isEmpty()) {
            return Path.of(configured);
        }
        return pluginDirectory.toPath().toAbsolutePath().getParent().getParent().resolve("imcloud-files");
    }

    /**
     * One warning, when there are any, about Openfire accounts named like app users that no app registered:
     * they cannot log in while imcloud runs, and only the operator can delete them. The console's apps page
     * shows the same report.
     */
    private static SquattedNames.Report reportSquattedNames(ConnectionProvider database) {
        SquattedNames.Report squatted;
        try {
            squatted = new SquattedNames(database).find(SQUATTED_NAMES_LOGGED);
        } catch (StoreException e) {
            // A report, not a component: the plugin runs without it (such accounts are refused at login all the same).
            Log.warn("imcloud: could not look for Openfire accounts named like unregistered app users", e);
            return new SquattedNames.Report(0, List.of());
        }
        if (squatted.count() > 0) {
            Log.warn("imcloud: {} Openfire account(s) are named like app users but no app registered them (in-band"
                    + " registration, or left behind); they are refused at login. Delete them under Users/Groups: {}{}",
                    squatted.count(), String.join(", ", squatted.names()),
                    squatted.count() > squatted.names().size() ? ", ..." : "");
        }
        return squatted;
    }

    /** Where chat files are served: the configured public URL, else the request's host for REST, this server's for slots. */
    private static FileUrls fileUrls(ImcloudSettings settings) {
        return new FileUrls(() -> settings.get(ImcloudSettings.HTTP_PUBLIC_URL), () -> PublicUrl.of(settings));
    }

    private static ImcloudServlet restServlet(ConnectionProvider database, ImcloudSettings settings, Accounts accounts,
                                              SqlArchive archive, Attachments attachments, UploadSlots slots,
                                              AccountControl accountControl, MessageDelivery delivery, Contacts contacts,
                                              GroupService chatGroups, GroupDelivery groupDelivery) {
        TokenService tokens = new TokenService(accounts.keys(), accounts.clock());
        RestContext context = new RestContext(accounts.apps(), tokens, accounts.users(),
                () -> RestEndpoint.restSettings(settings), accounts.clock(), new SqlRateLimiter(database, accounts.clock()),
                new ClientAddresses(JettyBridge::tcpPeerAddress));
        OpenfireAdminCredentials admins = new OpenfireAdminCredentials();
        List<RouteGroup> routeGroups = new ArrayList<>(CoreRoutes.all(admins::isAdmin, accounts.removal()));
        FileUrls fileUrls = fileUrls(settings);
        routeGroups.addAll(ArchiveRoutes.all(archive, new ConversationList(database), new UnreadCounters(database), delivery,
                attachments, fileUrls));
        routeGroups.addAll(GroupRoutes.all(chatGroups, archive, groupDelivery, attachments, fileUrls));
        routeGroups.add(new ChatfileRoutes(attachments, slots, fileUrls));
        routeGroups.add(new AccountRoutes(accountControl));
        routeGroups.add(new ContactRoutes(contacts));
        routeGroups.add(new PushRoutes(accounts.pushBindings()));
        return new ImcloudServlet(context, routeGroups);
    }

    /** Openfire's exit point: stops what {@link #initializePlugin} started, in reverse order. */
    @Override
    public void destroyPlugin() {
        steps.stopAll();
        Log.info("imcloud: stopped");
    }
}
