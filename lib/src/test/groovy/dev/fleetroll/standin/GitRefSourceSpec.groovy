package dev.fleetroll.standin

import dev.fleetroll.github.GitHubClient
import dev.fleetroll.github.RepoBranch
import dev.fleetroll.sandbox.FleetPlan
import dev.fleetroll.sandbox.PuppetRepo
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import spock.lang.Specification
import spock.lang.TempDir

/** Real bare repositories made with git, served by the stand-in and read by the client. */
class GitRefSourceSpec extends Specification {
    @TempDir
    Path tmp

    static final Map<String, String> GIT_ENV = [
            GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_AUTHOR_NAME    : 'spec', GIT_AUTHOR_EMAIL: 'spec@fleetroll.invalid',
            GIT_COMMITTER_NAME : 'spec', GIT_COMMITTER_EMAIL: 'spec@fleetroll.invalid']

    static String git(Path cwd, String... args) {
        def pb = new ProcessBuilder(['git', *args]).directory(cwd.toFile()).redirectErrorStream(true)
        pb.environment().putAll(GIT_ENV)
        def p = pb.start()
        def out = p.inputStream.text
        assert p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0: "git ${args.join(' ')}: $out"
        out.trim()
    }

    /** A bare repository at {@code bare} with master and relops/fix-1, pushed from a clone; branch -> sha. */
    Map<String, String> bareRepo(Path bare) {
        Files.createDirectories(bare.parent)
        git(tmp, 'init', '-q', '--bare', '-b', 'master', bare.toString())
        def work = tmp.resolve('work').resolve(tmp.relativize(bare).toString().replace('/', '_'))
        git(tmp, 'clone', '-q', bare.toString(), work.toString())
        Files.writeString(work.resolve('README.md'), 'base\n')
        git(work, 'add', 'README.md')
        git(work, 'commit', '-q', '-m', 'base')
        git(work, 'checkout', '-q', '-b', 'relops/fix-1')
        Files.writeString(work.resolve('fix.txt'), 'fix\n')
        git(work, 'add', 'fix.txt')
        git(work, 'commit', '-q', '-m', 'fix')
        git(work, 'push', '-q', 'origin', 'master', 'relops/fix-1')
        [master: git(work, 'rev-parse', 'master'), 'relops/fix-1': git(work, 'rev-parse', 'relops/fix-1')]
    }

    def "a map of owner/repo to bare repository: both pushed branches, a push shows at once"() {
        given:
        def bare = tmp.resolve('ronin_puppet.git')
        def heads = bareRepo(bare)
        def source = new GitRefSource(['Mozilla-Platform-Ops/ronin_puppet': bare])

        expect:
        heads.master != heads['relops/fix-1']
        source.heads('mozilla-platform-ops', 'ronin_puppet').get() == heads
        !source.heads('mozilla-platform-ops', 'other').isPresent()

        when:
        def work = tmp.resolve('work/ronin_puppet.git')
        git(work, 'checkout', '-q', 'master')
        Files.writeString(work.resolve('README.md'), 'moved\n')
        git(work, 'commit', '-q', '-am', 'move master')
        git(work, 'push', '-q', 'origin', 'master')

        then:
        source.heads('mozilla-platform-ops', 'ronin_puppet').get().master == git(work, 'rev-parse', 'master')
    }

    def "a directory of <owner>/<repo>.git"() {
        given:
        def heads = bareRepo(tmp.resolve('git/jwmoss/ronin_puppet.git'))
        def source = GitRefSource.inDirectory(tmp.resolve('git'))

        expect:
        source.heads('jwmoss', 'ronin_puppet').get() == heads
        !source.heads('jwmoss', 'nothing').isPresent()
        !source.heads('..', 'git').isPresent()
    }

    def "a gitconfig's url.<path>.insteadOf entries, as the sandbox writes them, exact or by prefix"() {
        given:
        def ronin = bareRepo(tmp.resolve('puppet/ronin_puppet.git'))
        def fork = bareRepo(tmp.resolve('forks/aerickson/ronin_puppet.git'))
        def config = tmp.resolve('puppet/gitconfig')
        Files.writeString(config, """\
            # fleetroll sandbox: GitHub URLs the hosts fetch, mapped to local bare repositories
            [url "${tmp.resolve('puppet/ronin_puppet.git')}"]
            \tinsteadOf = https://github.com/mozilla-platform-ops/ronin_puppet.git
            [url "${tmp.resolve('forks')}/"]
            \tinsteadOf = https://github.com/ ; every other GitHub repository
            [advice]
            \tdetachedHead = false
            [core]
            \tlogAllRefUpdates = false
            """.stripIndent())
        def source = GitRefSource.fromGitConfig(config)

        expect:
        source.heads('mozilla-platform-ops', 'ronin_puppet').get() == ronin
        source.heads('aerickson', 'ronin_puppet').get() == fork
        !source.heads('someone', 'else').isPresent()
    }

    def "the sandbox's own Puppet repository, found through the gitconfig it gives its hosts"() {
        given: 'PuppetRepo.create is package-private; Groovy calls it anyway'
        def repo = PuppetRepo.create(tmp.resolve('sandbox/puppet'))

        when:
        def heads = GitRefSource.fromGitConfig(repo.gitConfig()).heads('mozilla-platform-ops', 'ronin_puppet')

        then:
        heads.get() == repo.heads()
        heads.get().keySet() == FleetPlan.BRANCHES as Set
    }

    def "served by the stand-in and read by the client over HTTP"() {
        given:
        def heads = bareRepo(tmp.resolve('git/mozilla-platform-ops/ronin_puppet.git'))
        def github = GitHubStandIn.start(GitRefSource.inDirectory(tmp.resolve('git')))
        def client = new GitHubClient(GitHubClient.Settings.defaults().withApiUrl(github.apiUrl()))

        when:
        def got = client.heads([RepoBranch.DEFAULT, RepoBranch.parse('mozilla-platform-ops/ronin_puppet:relops/fix-1'),
                                RepoBranch.parse('mozilla-platform-ops/ronin_puppet:nope')], 2)

        then:
        got.values()*.describe() == [heads.master, heads['relops/fix-1'], 'no such branch']

        cleanup:
        client?.close()
        github?.close()
    }
}
