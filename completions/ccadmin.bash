_ccadmin() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="ccadmin"
                ;;
            ccadmin,file)
                cmd="ccadmin__subcmd__file"
                ;;
            ccadmin,help)
                cmd="ccadmin__subcmd__help"
                ;;
            ccadmin,hub)
                cmd="ccadmin__subcmd__hub"
                ;;
            ccadmin,run)
                cmd="ccadmin__subcmd__run"
                ;;
            ccadmin,serve)
                cmd="ccadmin__subcmd__serve"
                ;;
            ccadmin,set)
                cmd="ccadmin__subcmd__set"
                ;;
            ccadmin,show)
                cmd="ccadmin__subcmd__show"
                ;;
            ccadmin,utils)
                cmd="ccadmin__subcmd__utils"
                ;;
            ccadmin__subcmd__file,get)
                cmd="ccadmin__subcmd__file__subcmd__get"
                ;;
            ccadmin__subcmd__file,list)
                cmd="ccadmin__subcmd__file__subcmd__list"
                ;;
            ccadmin__subcmd__file,search)
                cmd="ccadmin__subcmd__file__subcmd__search"
                ;;
            ccadmin__subcmd__file,tail)
                cmd="ccadmin__subcmd__file__subcmd__tail"
                ;;
            ccadmin__subcmd__file,view)
                cmd="ccadmin__subcmd__file__subcmd__view"
                ;;
            ccadmin__subcmd__file__subcmd__get,activelog)
                cmd="ccadmin__subcmd__file__subcmd__get__subcmd__activelog"
                ;;
            ccadmin__subcmd__file__subcmd__list,activelog)
                cmd="ccadmin__subcmd__file__subcmd__list__subcmd__activelog"
                ;;
            ccadmin__subcmd__file__subcmd__search,activelog)
                cmd="ccadmin__subcmd__file__subcmd__search__subcmd__activelog"
                ;;
            ccadmin__subcmd__file__subcmd__tail,activelog)
                cmd="ccadmin__subcmd__file__subcmd__tail__subcmd__activelog"
                ;;
            ccadmin__subcmd__file__subcmd__view,activelog)
                cmd="ccadmin__subcmd__file__subcmd__view__subcmd__activelog"
                ;;
            ccadmin__subcmd__hub,account)
                cmd="ccadmin__subcmd__hub__subcmd__account"
                ;;
            ccadmin__subcmd__hub,alerts)
                cmd="ccadmin__subcmd__hub__subcmd__alerts"
                ;;
            ccadmin__subcmd__hub,cluster)
                cmd="ccadmin__subcmd__hub__subcmd__cluster"
                ;;
            ccadmin__subcmd__hub,release)
                cmd="ccadmin__subcmd__hub__subcmd__release"
                ;;
            ccadmin__subcmd__hub,serve)
                cmd="ccadmin__subcmd__hub__subcmd__serve"
                ;;
            ccadmin__subcmd__hub,smtp)
                cmd="ccadmin__subcmd__hub__subcmd__smtp"
                ;;
            ccadmin__subcmd__hub__subcmd__account,add)
                cmd="ccadmin__subcmd__hub__subcmd__account__subcmd__add"
                ;;
            ccadmin__subcmd__hub__subcmd__account,delete)
                cmd="ccadmin__subcmd__hub__subcmd__account__subcmd__delete"
                ;;
            ccadmin__subcmd__hub__subcmd__account,list)
                cmd="ccadmin__subcmd__hub__subcmd__account__subcmd__list"
                ;;
            ccadmin__subcmd__hub__subcmd__alerts,list)
                cmd="ccadmin__subcmd__hub__subcmd__alerts__subcmd__list"
                ;;
            ccadmin__subcmd__hub__subcmd__alerts,set)
                cmd="ccadmin__subcmd__hub__subcmd__alerts__subcmd__set"
                ;;
            ccadmin__subcmd__hub__subcmd__alerts,show)
                cmd="ccadmin__subcmd__hub__subcmd__alerts__subcmd__show"
                ;;
            ccadmin__subcmd__hub__subcmd__alerts,subscribe)
                cmd="ccadmin__subcmd__hub__subcmd__alerts__subcmd__subscribe"
                ;;
            ccadmin__subcmd__hub__subcmd__alerts,unsubscribe)
                cmd="ccadmin__subcmd__hub__subcmd__alerts__subcmd__unsubscribe"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster,add)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__add"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster,list)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__list"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster,postpone)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__postpone"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster,schedule)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__schedule"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster,show)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__show"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster,unregister)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__unregister"
                ;;
            ccadmin__subcmd__hub__subcmd__cluster__subcmd__schedule,set)
                cmd="ccadmin__subcmd__hub__subcmd__cluster__subcmd__schedule__subcmd__set"
                ;;
            ccadmin__subcmd__hub__subcmd__release,add)
                cmd="ccadmin__subcmd__hub__subcmd__release__subcmd__add"
                ;;
            ccadmin__subcmd__hub__subcmd__release,list)
                cmd="ccadmin__subcmd__hub__subcmd__release__subcmd__list"
                ;;
            ccadmin__subcmd__hub__subcmd__release,withdraw)
                cmd="ccadmin__subcmd__hub__subcmd__release__subcmd__withdraw"
                ;;
            ccadmin__subcmd__hub__subcmd__smtp,set)
                cmd="ccadmin__subcmd__hub__subcmd__smtp__subcmd__set"
                ;;
            ccadmin__subcmd__hub__subcmd__smtp,show)
                cmd="ccadmin__subcmd__hub__subcmd__smtp__subcmd__show"
                ;;
            ccadmin__subcmd__hub__subcmd__smtp,test)
                cmd="ccadmin__subcmd__hub__subcmd__smtp__subcmd__test"
                ;;
            ccadmin__subcmd__run,sql)
                cmd="ccadmin__subcmd__run__subcmd__sql"
                ;;
            ccadmin__subcmd__set,cli)
                cmd="ccadmin__subcmd__set__subcmd__cli"
                ;;
            ccadmin__subcmd__set,smtp-from-email)
                cmd="ccadmin__subcmd__set__subcmd__smtp__subcmd__from__subcmd__email"
                ;;
            ccadmin__subcmd__set,smtp-host)
                cmd="ccadmin__subcmd__set__subcmd__smtp__subcmd__host"
                ;;
            ccadmin__subcmd__set,smtp-pswd)
                cmd="ccadmin__subcmd__set__subcmd__smtp__subcmd__pswd"
                ;;
            ccadmin__subcmd__set,smtp-use-auth)
                cmd="ccadmin__subcmd__set__subcmd__smtp__subcmd__use__subcmd__auth"
                ;;
            ccadmin__subcmd__set,smtp-user)
                cmd="ccadmin__subcmd__set__subcmd__smtp__subcmd__user"
                ;;
            ccadmin__subcmd__set__subcmd__cli,pagination)
                cmd="ccadmin__subcmd__set__subcmd__cli__subcmd__pagination"
                ;;
            ccadmin__subcmd__show,cert)
                cmd="ccadmin__subcmd__show__subcmd__cert"
                ;;
            ccadmin__subcmd__show,cli)
                cmd="ccadmin__subcmd__show__subcmd__cli"
                ;;
            ccadmin__subcmd__show,smtp-from-email)
                cmd="ccadmin__subcmd__show__subcmd__smtp__subcmd__from__subcmd__email"
                ;;
            ccadmin__subcmd__show,smtp-host)
                cmd="ccadmin__subcmd__show__subcmd__smtp__subcmd__host"
                ;;
            ccadmin__subcmd__show,smtp-use-auth)
                cmd="ccadmin__subcmd__show__subcmd__smtp__subcmd__use__subcmd__auth"
                ;;
            ccadmin__subcmd__show,smtp-user)
                cmd="ccadmin__subcmd__show__subcmd__smtp__subcmd__user"
                ;;
            ccadmin__subcmd__show,version)
                cmd="ccadmin__subcmd__show__subcmd__version"
                ;;
            ccadmin__subcmd__show__subcmd__cert,own)
                cmd="ccadmin__subcmd__show__subcmd__cert__subcmd__own"
                ;;
            ccadmin__subcmd__show__subcmd__cli,pagination)
                cmd="ccadmin__subcmd__show__subcmd__cli__subcmd__pagination"
                ;;
            ccadmin__subcmd__show__subcmd__version,active)
                cmd="ccadmin__subcmd__show__subcmd__version__subcmd__active"
                ;;
            ccadmin__subcmd__show__subcmd__version,inactive)
                cmd="ccadmin__subcmd__show__subcmd__version__subcmd__inactive"
                ;;
            ccadmin__subcmd__utils,applicationuser)
                cmd="ccadmin__subcmd__utils__subcmd__applicationuser"
                ;;
            ccadmin__subcmd__utils,cert)
                cmd="ccadmin__subcmd__utils__subcmd__cert"
                ;;
            ccadmin__subcmd__utils,cloudconnect)
                cmd="ccadmin__subcmd__utils__subcmd__cloudconnect"
                ;;
            ccadmin__subcmd__utils,controlnode)
                cmd="ccadmin__subcmd__utils__subcmd__controlnode"
                ;;
            ccadmin__subcmd__utils,dbreplication)
                cmd="ccadmin__subcmd__utils__subcmd__dbreplication"
                ;;
            ccadmin__subcmd__utils,deployment)
                cmd="ccadmin__subcmd__utils__subcmd__deployment"
                ;;
            ccadmin__subcmd__utils,image-repository)
                cmd="ccadmin__subcmd__utils__subcmd__image__subcmd__repository"
                ;;
            ccadmin__subcmd__utils,initiate)
                cmd="ccadmin__subcmd__utils__subcmd__initiate"
                ;;
            ccadmin__subcmd__utils,node)
                cmd="ccadmin__subcmd__utils__subcmd__node"
                ;;
            ccadmin__subcmd__utils,orchestration)
                cmd="ccadmin__subcmd__utils__subcmd__orchestration"
                ;;
            ccadmin__subcmd__utils,patch-manager)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager"
                ;;
            ccadmin__subcmd__utils,secret-store)
                cmd="ccadmin__subcmd__utils__subcmd__secret__subcmd__store"
                ;;
            ccadmin__subcmd__utils,set)
                cmd="ccadmin__subcmd__utils__subcmd__set"
                ;;
            ccadmin__subcmd__utils,show)
                cmd="ccadmin__subcmd__utils__subcmd__show"
                ;;
            ccadmin__subcmd__utils,smtp)
                cmd="ccadmin__subcmd__utils__subcmd__smtp"
                ;;
            ccadmin__subcmd__utils,system)
                cmd="ccadmin__subcmd__utils__subcmd__system"
                ;;
            ccadmin__subcmd__utils,upgrade-manager)
                cmd="ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager"
                ;;
            ccadmin__subcmd__utils__subcmd__applicationuser,add)
                cmd="ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__add"
                ;;
            ccadmin__subcmd__utils__subcmd__applicationuser,delete)
                cmd="ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__delete"
                ;;
            ccadmin__subcmd__utils__subcmd__applicationuser,list)
                cmd="ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__list"
                ;;
            ccadmin__subcmd__utils__subcmd__applicationuser,password)
                cmd="ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__password"
                ;;
            ccadmin__subcmd__utils__subcmd__cert,import)
                cmd="ccadmin__subcmd__utils__subcmd__cert__subcmd__import"
                ;;
            ccadmin__subcmd__utils__subcmd__cert,list)
                cmd="ccadmin__subcmd__utils__subcmd__cert__subcmd__list"
                ;;
            ccadmin__subcmd__utils__subcmd__cloudconnect,show)
                cmd="ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__cloudconnect,switch-back)
                cmd="ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__switch__subcmd__back"
                ;;
            ccadmin__subcmd__utils__subcmd__cloudconnect,unregister)
                cmd="ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__unregister"
                ;;
            ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__show,registration)
                cmd="ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__show__subcmd__registration"
                ;;
            ccadmin__subcmd__utils__subcmd__controlnode,key)
                cmd="ccadmin__subcmd__utils__subcmd__controlnode__subcmd__key"
                ;;
            ccadmin__subcmd__utils__subcmd__dbreplication,repair)
                cmd="ccadmin__subcmd__utils__subcmd__dbreplication__subcmd__repair"
                ;;
            ccadmin__subcmd__utils__subcmd__dbreplication,runtimestate)
                cmd="ccadmin__subcmd__utils__subcmd__dbreplication__subcmd__runtimestate"
                ;;
            ccadmin__subcmd__utils__subcmd__dbreplication,status)
                cmd="ccadmin__subcmd__utils__subcmd__dbreplication__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment,compatibility-check)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__compatibility__subcmd__check"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment,export-status)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__export__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment,show)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment,test-connection)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__test__subcmd__connection"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment__subcmd__show,history)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__history"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment__subcmd__show,in-progress)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__in__subcmd__progress"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment__subcmd__show,progress-HA)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__progress__subcmd__HA"
                ;;
            ccadmin__subcmd__utils__subcmd__deployment__subcmd__show,status)
                cmd="ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__image__subcmd__repository,artifacts)
                cmd="ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__artifacts"
                ;;
            ccadmin__subcmd__utils__subcmd__image__subcmd__repository,download)
                cmd="ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__download"
                ;;
            ccadmin__subcmd__utils__subcmd__image__subcmd__repository,set)
                cmd="ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__set"
                ;;
            ccadmin__subcmd__utils__subcmd__image__subcmd__repository,show)
                cmd="ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__initiate,software-download)
                cmd="ccadmin__subcmd__utils__subcmd__initiate__subcmd__software__subcmd__download"
                ;;
            ccadmin__subcmd__utils__subcmd__node,cluster)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__cluster"
                ;;
            ccadmin__subcmd__utils__subcmd__node,cluster-secret)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__secret"
                ;;
            ccadmin__subcmd__utils__subcmd__node,set)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__set"
                ;;
            ccadmin__subcmd__utils__subcmd__node,show)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__node__subcmd__cluster,add)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__add"
                ;;
            ccadmin__subcmd__utils__subcmd__node__subcmd__cluster,list)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__list"
                ;;
            ccadmin__subcmd__utils__subcmd__node__subcmd__cluster,remove)
                cmd="ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__remove"
                ;;
            ccadmin__subcmd__utils__subcmd__orchestration,max-parallel-tasks)
                cmd="ccadmin__subcmd__utils__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks"
                ;;
            ccadmin__subcmd__utils__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks,reset-to-default)
                cmd="ccadmin__subcmd__utils__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks__subcmd__reset__subcmd__to__subcmd__default"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager,export)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__export"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager,install)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__install"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager,list)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__list"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager,ms-patches)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager,rollback)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__rollback"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager,signer)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__export,status)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__export__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches,install)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches__subcmd__install"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches,rollback)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches__subcmd__rollback"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer,add)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer__subcmd__add"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer,list)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer__subcmd__list"
                ;;
            ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer,remove)
                cmd="ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer__subcmd__remove"
                ;;
            ccadmin__subcmd__utils__subcmd__secret__subcmd__store,migrate)
                cmd="ccadmin__subcmd__utils__subcmd__secret__subcmd__store__subcmd__migrate"
                ;;
            ccadmin__subcmd__utils__subcmd__secret__subcmd__store,show)
                cmd="ccadmin__subcmd__utils__subcmd__secret__subcmd__store__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__set,orchestration)
                cmd="ccadmin__subcmd__utils__subcmd__set__subcmd__orchestration"
                ;;
            ccadmin__subcmd__utils__subcmd__set,software-download)
                cmd="ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download"
                ;;
            ccadmin__subcmd__utils__subcmd__set__subcmd__orchestration,max-parallel-tasks)
                cmd="ccadmin__subcmd__utils__subcmd__set__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks"
                ;;
            ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download,bandwidth)
                cmd="ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download__subcmd__bandwidth"
                ;;
            ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download,time)
                cmd="ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download__subcmd__time"
                ;;
            ccadmin__subcmd__utils__subcmd__show,orchestration)
                cmd="ccadmin__subcmd__utils__subcmd__show__subcmd__orchestration"
                ;;
            ccadmin__subcmd__utils__subcmd__show,software-download)
                cmd="ccadmin__subcmd__utils__subcmd__show__subcmd__software__subcmd__download"
                ;;
            ccadmin__subcmd__utils__subcmd__show__subcmd__orchestration,max-parallel-tasks)
                cmd="ccadmin__subcmd__utils__subcmd__show__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks"
                ;;
            ccadmin__subcmd__utils__subcmd__smtp,remove-config)
                cmd="ccadmin__subcmd__utils__subcmd__smtp__subcmd__remove__subcmd__config"
                ;;
            ccadmin__subcmd__utils__subcmd__smtp,show)
                cmd="ccadmin__subcmd__utils__subcmd__smtp__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__smtp,subscribe)
                cmd="ccadmin__subcmd__utils__subcmd__smtp__subcmd__subscribe"
                ;;
            ccadmin__subcmd__utils__subcmd__smtp,test-connection)
                cmd="ccadmin__subcmd__utils__subcmd__smtp__subcmd__test__subcmd__connection"
                ;;
            ccadmin__subcmd__utils__subcmd__smtp,unsubscribe)
                cmd="ccadmin__subcmd__utils__subcmd__smtp__subcmd__unsubscribe"
                ;;
            ccadmin__subcmd__utils__subcmd__smtp__subcmd__show,subscriptions)
                cmd="ccadmin__subcmd__utils__subcmd__smtp__subcmd__show__subcmd__subscriptions"
                ;;
            ccadmin__subcmd__utils__subcmd__system,icm-services)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__icm__subcmd__services"
                ;;
            ccadmin__subcmd__utils__subcmd__system,inventory)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory"
                ;;
            ccadmin__subcmd__utils__subcmd__system,maintenance)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance"
                ;;
            ccadmin__subcmd__utils__subcmd__system,onboard)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard"
                ;;
            ccadmin__subcmd__utils__subcmd__system,switch-version)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__switch__subcmd__version"
                ;;
            ccadmin__subcmd__utils__subcmd__system,upgrade)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__icm__subcmd__services,start)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__icm__subcmd__services__subcmd__start"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__inventory,export)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__export"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__inventory,history)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__history"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__inventory,import)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__import"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__inventory,remove-cluster)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__remove__subcmd__cluster"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__inventory,show)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__show"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__inventory,validate)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__validate"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance,end)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance__subcmd__end"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance,initiate)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance__subcmd__initiate"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance,status)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__onboard,initiate)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__trigger"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__onboard,remove)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__remove"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__onboard,restart)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__trigger"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__onboard,status)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__onboard,trigger)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__trigger"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__onboard,update)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__update"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade,cancel)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__cancel"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade,initiate)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__initiate"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade,rollback-patch)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__rollback__subcmd__patch"
                ;;
            ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade,status)
                cmd="ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__status"
                ;;
            ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager,list)
                cmd="ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__list"
                ;;
            ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager,rollback)
                cmd="ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__rollback"
                ;;
            ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager,switch-forward)
                cmd="ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__switch__subcmd__forward"
                ;;
            ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager,upgrade)
                cmd="ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__upgrade"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        ccadmin)
            opts="-y -q -v -f -c -h -V --state-dir --output --yes --keep-going --echo --no-page --quiet --verbose --secret-store --file --help --version file help run set show utils serve hub"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -f)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -c)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help get list search tail view"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__get)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help activelog"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__get__subcmd__activelog)
            opts="-y -q -v -h --sftp-server --sftp-user --sftp-password-file --sftp-identity --sftp-directory --remember-password --accept-new-host-key --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --sftp-server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-identity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-directory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help activelog"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__list__subcmd__activelog)
            opts="-y -q -v -h --date --size --reverse --detail --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__search)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help activelog"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__search__subcmd__activelog)
            opts="-y -q -v -h --ignore-case --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__tail)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help activelog"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__tail__subcmd__activelog)
            opts="-n -f -y -q -v -h --lines --follow --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --lines)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__view)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help activelog"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__file__subcmd__view__subcmd__activelog)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__help)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub)
            opts="-y -q -v -h --hub-dir --now --state-dir --output --yes --quiet --verbose --secret-store --help serve cluster release account smtp alerts"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --hub-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --now)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__account)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help add list delete"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__account__subcmd__add)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__account__subcmd__delete)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__account__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__alerts)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help subscribe unsubscribe list set show"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__alerts__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__alerts__subcmd__set)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help offline-after digest-hour"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__alerts__subcmd__show)
            opts="-y -q -v -h --page --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --page)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__alerts__subcmd__subscribe)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__alerts__subcmd__unsubscribe)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help add list show unregister schedule postpone"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__add)
            opts="-y -q -v -h --display-name --fqdn --hub-url --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --display-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fqdn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hub-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__list)
            opts="-y -q -v -h --search --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --search)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__postpone)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__schedule)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help set"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__schedule__subcmd__set)
            opts="-y -q -v -h --frequency --days --day --hour --time-zone --urgent-hour --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --frequency)
                    COMPREPLY=($(compgen -W "daily weekly monthly" -- "${cur}"))
                    return 0
                    ;;
                --days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --day)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hour)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --time-zone)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --urgent-hour)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__cluster__subcmd__unregister)
            opts="-q -v -h --yes --state-dir --output --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__release)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help add list withdraw"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__release__subcmd__add)
            opts="-y -q -v -h --version --notes --urgent --signature --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --notes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --signature)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__release__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__release__subcmd__withdraw)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__serve)
            opts="-y -q -v -h --listen --hostname --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hostname)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__smtp)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help set show test"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__smtp__subcmd__set)
            opts="-y -q -v -h --host --port --security --from --user --no-user --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --security)
                    COMPREPLY=($(compgen -W "starttls tls none" -- "${cur}"))
                    return 0
                    ;;
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__smtp__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__hub__subcmd__smtp__subcmd__test)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__run)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help sql"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__run__subcmd__sql)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__serve)
            opts="-y -q -v -h --listen --sync-interval --download-schedule --download-at --time-zone --download-delay --hub-poll-interval --replication-check-interval --release-root --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sync-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-schedule)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --time-zone)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-delay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hub-poll-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --replication-check-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --release-root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__cli)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help pagination"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__cli__subcmd__pagination)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help on off"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__smtp__subcmd__from__subcmd__email)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__smtp__subcmd__host)
            opts="-y -q -v -h --security --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --security)
                    COMPREPLY=($(compgen -W "starttls tls none" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__smtp__subcmd__pswd)
            opts="-y -q -v -h --password-file --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__smtp__subcmd__use__subcmd__auth)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help enable disable"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__set__subcmd__smtp__subcmd__user)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__cert)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help own"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__cert__subcmd__own)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__cli)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help pagination"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__cli__subcmd__pagination)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__smtp__subcmd__from__subcmd__email)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__smtp__subcmd__host)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__smtp__subcmd__use__subcmd__auth)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__smtp__subcmd__user)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__version)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help active inactive"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__version__subcmd__active)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__show__subcmd__version__subcmd__inactive)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__applicationuser)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help add list delete password"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__add)
            opts="-y -q -v -h --password-file --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__delete)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__applicationuser__subcmd__password)
            opts="-y -q -v -h --password-file --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cert)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help import list"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cert__subcmd__import)
            opts="-y -q -v -h --name --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cert__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cloudconnect)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help show unregister switch-back"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help registration"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__show__subcmd__registration)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__switch__subcmd__back)
            opts="-y -q -v -h --release-root --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --release-root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__cloudconnect__subcmd__unregister)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__controlnode)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help key"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__controlnode__subcmd__key)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__dbreplication)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help runtimestate status repair"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__dbreplication__subcmd__repair)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__dbreplication__subcmd__runtimestate)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__dbreplication__subcmd__status)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help compatibility-check export-status show test-connection"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__compatibility__subcmd__check)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help enable disable show"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__export__subcmd__status)
            opts="-y -q -v -h --node --group --side --platform --all --sftp-server --sftp-user --sftp-password-file --sftp-identity --sftp-directory --remember-password --accept-new-host-key --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-identity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-directory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help in-progress history progress-HA status"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__history)
            opts="-y -q -v -h --limit --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__in__subcmd__progress)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__progress__subcmd__HA)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__show__subcmd__status)
            opts="-y -q -v -h --node --group --side --platform --all --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__deployment__subcmd__test__subcmd__connection)
            opts="-y -q -v -h --node --product --parallel --timeout --retries --accept-new-host-keys --all-nodes --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --product)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__image__subcmd__repository)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help set show download artifacts"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__artifacts)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__download)
            opts="-y -q -v -h --dry-run --retries --backoff --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --backoff)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__set)
            opts="-y -q -v -h --url --repository --auth-type --credential-file --software --ca-file --proxy --allow-insecure-http --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --repository)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-type)
                    COMPREPLY=($(compgen -W "api-key identity-token" -- "${cur}"))
                    return 0
                    ;;
                --credential-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --software)
                    COMPREPLY=($(compgen -W "restricted unrestricted" -- "${cur}"))
                    return 0
                    ;;
                --ca-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__image__subcmd__repository__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__initiate)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help software-download"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__initiate__subcmd__software__subcmd__download)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help show set cluster cluster-secret"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__cluster)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help add remove list"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__secret)
            opts="-y -q -v -h --secret-file --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__add)
            opts="-y -q -v -h --user --authorized-keys --identity --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorized-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --identity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__cluster__subcmd__remove)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__set)
            opts="-y -q -v -h --role --hostname --publisher --component --orchestration-user --authorized-keys --ssh-port --software-version --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --role)
                    COMPREPLY=($(compgen -W "publisher subscriber vos" -- "${cur}"))
                    return 0
                    ;;
                --hostname)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --publisher)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --component)
                    COMPREPLY=($(compgen -W "Finesse CUIC LiveData IdS CUIC_LiveData_IdS VVB" -- "${cur}"))
                    return 0
                    ;;
                --orchestration-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --authorized-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --software-version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__node__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__orchestration)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help max-parallel-tasks"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help reset-to-default"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks__subcmd__reset__subcmd__to__subcmd__default)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help export install list ms-patches rollback signer"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__export)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help status"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__export__subcmd__status)
            opts="-y -q -v -h --node --group --side --platform --all --sftp-server --sftp-user --sftp-password-file --sftp-identity --sftp-directory --remember-password --accept-new-host-key --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-identity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-directory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__install)
            opts="-y -q -v -h --node --group --side --platform --all --max-fail --parallel-groups --force --dry-run --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-fail)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel-groups)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help install rollback"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches__subcmd__install)
            opts="-y -q -v -h --node --group --side --platform --all --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__ms__subcmd__patches__subcmd__rollback)
            opts="-y -q -v -h --node --group --side --platform --all --kb --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kb)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__rollback)
            opts="-y -q -v -h --node --group --side --platform --all --max-fail --parallel-groups --force --dry-run --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-fail)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel-groups)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help add list remove"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer__subcmd__add)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__patch__subcmd__manager__subcmd__signer__subcmd__remove)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__secret__subcmd__store)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help show migrate"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__secret__subcmd__store__subcmd__migrate)
            opts="-y -q -v -h --to --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --to)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__secret__subcmd__store__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__set)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help orchestration software-download"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__set__subcmd__orchestration)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help max-parallel-tasks"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__set__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help time bandwidth"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download__subcmd__bandwidth)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__set__subcmd__software__subcmd__download__subcmd__time)
            opts="-y -q -v -h --time-zone --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --time-zone)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help orchestration software-download"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__show__subcmd__orchestration)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help max-parallel-tasks"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__show__subcmd__orchestration__subcmd__max__subcmd__parallel__subcmd__tasks)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__show__subcmd__software__subcmd__download)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help test-connection subscribe unsubscribe show remove-config"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp__subcmd__remove__subcmd__config)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help subscriptions"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp__subcmd__show__subcmd__subscriptions)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp__subcmd__subscribe)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp__subcmd__test__subcmd__connection)
            opts="-y -q -v -h --send-test-mail --no-test-mail --to --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__smtp__subcmd__unsubscribe)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help icm-services inventory maintenance onboard switch-version upgrade"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__icm__subcmd__services)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help start"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__icm__subcmd__services__subcmd__start)
            opts="-y -q -v -h --node --group --side --platform --all --peer-down --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help validate show export import history remove-cluster"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__export)
            opts="-y -q -v -h --sftp-server --sftp-user --sftp-password-file --sftp-identity --sftp-directory --remember-password --accept-new-host-key --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --sftp-server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-identity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-directory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__history)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__import)
            opts="-y -q -v -h --sftp-server --sftp-user --sftp-password-file --sftp-identity --sftp-directory --remember-password --accept-new-host-key --timeout --dry-run --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --sftp-server)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-identity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sftp-directory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__remove__subcmd__cluster)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__show)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__inventory__subcmd__validate)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help initiate end status"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance__subcmd__end)
            opts="-y -q -v -h --node --group --side --platform --all --peer-down --break-leases --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance__subcmd__initiate)
            opts="-y -q -v -h --node --group --side --platform --all --reason --peer-down --break-leases --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --reason)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__maintenance__subcmd__status)
            opts="-y -q -v -h --node --group --side --platform --all --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__onboard)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help trigger initiate restart update remove status"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__remove)
            opts="-y -q -v -h --cloud-connect --username --password-file --cluster-name --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cloud-connect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --username)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__status)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__trigger)
            opts="-y -q -v -h --cloud-connect --username --password-file --cluster-name --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cloud-connect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --username)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__onboard__subcmd__update)
            opts="-y -q -v -h --cloud-connect --username --password-file --cluster-name --timeout --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cloud-connect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --username)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --password-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__switch__subcmd__version)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help cancel initiate rollback-patch status"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__cancel)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__initiate)
            opts="-y -q -v -h --file --switch-version --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__rollback__subcmd__patch)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__system__subcmd__upgrade__subcmd__status)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 5 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help list rollback switch-forward upgrade"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__list)
            opts="-y -q -v -h --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__rollback)
            opts="-y -q -v -h --node --group --side --platform --all --max-fail --parallel-groups --force --dry-run --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-fail)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel-groups)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__switch__subcmd__forward)
            opts="-y -q -v -h --node --group --side --platform --all --max-fail --parallel-groups --force --dry-run --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-fail)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel-groups)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ccadmin__subcmd__utils__subcmd__upgrade__subcmd__manager__subcmd__upgrade)
            opts="-y -q -v -h --switch-version --node --group --side --platform --all --max-fail --parallel-groups --force --dry-run --peer-down --break-leases --maintenance --state-dir --output --yes --quiet --verbose --secret-store --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --side)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-fail)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel-groups)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --maintenance)
                    COMPREPLY=($(compgen -W "with without" -- "${cur}"))
                    return 0
                    ;;
                --state-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --secret-store)
                    COMPREPLY=($(compgen -W "keyring file" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _ccadmin -o nosort -o bashdefault -o default ccadmin
else
    complete -F _ccadmin -o bashdefault -o default ccadmin
fi
