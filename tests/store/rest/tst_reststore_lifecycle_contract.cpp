#include "LifecycleStoreContract.h"
#include "RestContractStore.h"

int main(int argc, char* argv[])
{
    return RestContractStore::runSuite<LifecycleStoreContract>(argc, argv);
}
