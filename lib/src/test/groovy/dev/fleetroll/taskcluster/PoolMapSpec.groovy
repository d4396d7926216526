package dev.fleetroll.taskcluster

import spock.lang.Specification

class PoolMapSpec extends Specification {
    def map = new PoolMap('releng-hardware', [gecko_t_linux_talos: 'gecko-t-linux-talos-1804', gecko_t_osx_1400_r8: 'auto',
                                              special: 'proj-misc/special-pool'])

    def "roles map through the table; auto turns _ into -; WORKER_TYPE_OVERRIDE wins; unknown roles say why"() {
        expect:
        def m = map.map(role, wt)
        m.pool()?.toString() == pool
        m.problem() == problem

        where:
        role                  | wt                || pool                                         | problem
        'gecko_t_linux_talos' | null              || 'releng-hardware/gecko-t-linux-talos-1804'   | null
        'gecko_t_osx_1400_r8' | null              || 'releng-hardware/gecko-t-osx-1400-r8'        | null
        'special'             | null              || 'proj-misc/special-pool'                     | null
        'gecko_t_linux_talos' | 'gecko-t-staging' || 'releng-hardware/gecko-t-staging'            | null
        'whatever'            | 'p/wt'            || 'p/wt'                                       | null
        'gecko_t_unknown'     | null              || null                                         | 'no pool for role gecko_t_unknown (add it to taskcluster.roles)'
        null                  | null              || null                                         | 'no Puppet role (/etc/puppet_role is missing or empty)'
        ' '                   | ''                || null                                         | 'no Puppet role (/etc/puppet_role is missing or empty)'
    }

    def "a mapping splits into provisioner and worker type"() {
        expect:
        map.map('gecko_t_linux_talos', null).pool() == new Pool('releng-hardware', 'gecko-t-linux-talos-1804')
    }
}
